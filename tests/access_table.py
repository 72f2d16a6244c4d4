"""Who may use which route: one row per endpoint and method, one column per kind of caller.

    Y  gets in (whatever the answer then is: a page, a 404, a 422 for an empty form)
    N  is kept out (a page sends to the login, the API answers 401; a signed-in role gets 403)

Columns: anonymous, volunteer, stock_manager, coordinator, and a deactivated user (a volunteer
deactivated after logging in, or holding an API token from before). tests/test_access.py walks
every URL rule of the app, fails on one without a row here, and checks every cell against the
real answer. A new route: add its row.
"""

ROLES = ("anonymous", "volunteer", "stock_manager", "coordinator", "deactivated")

# fmt: off
ACCESS: dict[tuple[str, str], str] = {
    # method  endpoint                            anon vol stock coord deact
    ("GET",  "auth.home"):                        "Y    Y   Y     Y     Y",
    ("GET",  "auth.login"):                       "Y    Y   Y     Y     Y",
    ("POST", "auth.login"):                       "Y    Y   Y     Y     Y",
    ("GET",  "ops.healthz"):                      "Y    Y   Y     Y     Y",
    ("POST", "auth.logout"):                      "N    Y   Y     Y     N",
    ("POST", "auth.language"):                    "N    Y   Y     Y     N",
    ("GET",  "auth.password"):                    "N    Y   Y     Y     N",
    ("POST", "auth.password"):                    "N    Y   Y     Y     N",
    ("GET",  "accounts.index"):                   "N    N   N     Y     N",
    ("POST", "accounts.index"):                   "N    N   N     Y     N",
    ("POST", "accounts.toggle"):                  "N    N   N     Y     N",
    ("POST", "accounts.reset_password"):          "N    N   N     Y     N",
    ("GET",  "audit.index"):                      "N    N   N     Y     N",
    ("GET",  "audit.export"):                     "N    N   N     Y     N",
    ("GET",  "privacy.processing"):               "N    Y   Y     Y     N",
    ("GET",  "privacy.record"):                   "N    N   N     Y     N",
    ("GET",  "privacy.export"):                   "N    N   N     Y     N",
    ("POST", "privacy.erase"):                    "N    N   N     Y     N",
    ("POST", "privacy.erase_person"):             "N    N   N     Y     N",
    # the desk, registration, households and cards
    ("GET",  "desk.index"):                       "N    Y   N     Y     N",
    ("POST", "desk.check"):                       "N    Y   N     Y     N",
    ("POST", "desk.handover"):                    "N    Y   N     Y     N",
    ("POST", "desk.decode"):                      "N    Y   N     Y     N",
    ("GET",  "households.register"):              "N    Y   N     Y     N",
    ("POST", "households.register"):              "N    Y   N     Y     N",
    ("GET",  "households.search"):                "N    Y   N     Y     N",
    ("GET",  "households.show"):                  "N    Y   N     Y     N",
    ("GET",  "households.card_png"):              "N    Y   N     Y     N",
    ("GET",  "households.card_pdf_page"):         "N    Y   N     Y     N",
    ("POST", "households.reissue"):               "N    Y   N     Y     N",
    ("GET",  "cards.index"):                      "N    Y   N     Y     N",
    ("POST", "cards.make"):                       "N    Y   N     Y     N",
    ("GET",  "cards.sheet"):                      "N    Y   N     Y     N",
    ("GET",  "cards.progress"):                   "N    Y   N     Y     N",
    ("GET",  "cards.pdf"):                        "N    Y   N     Y     N",
    # stock and reports
    ("GET",  "stock.index"):                      "N    N   Y     Y     N",
    ("POST", "stock.index"):                      "N    N   Y     Y     N",
    ("GET",  "reports.today"):                    "N    N   N     Y     N",
    ("GET",  "reports.daily_xlsx"):               "N    N   N     Y     N",
    # the JSON API
    ("GET",  "api.households.show"):              "N    Y   N     Y     N",
    ("POST", "api.households.create"):            "N    Y   N     Y     N",
    ("POST", "api.households.reissue"):           "N    Y   N     Y     N",
    ("GET",  "api.households.card_png"):          "N    Y   N     Y     N",
    ("GET",  "api.households.people"):            "N    Y   N     Y     N",
    ("GET",  "api.cards.card"):                   "N    Y   N     Y     N",
    ("POST", "api.cards.sheet"):                  "N    Y   N     Y     N",
    ("GET",  "api.desk.eligibility"):             "N    Y   N     Y     N",
    ("POST", "api.desk.distribute"):              "N    Y   N     Y     N",
    ("POST", "api.documents.read_zone"):          "N    Y   N     Y     N",
    ("POST", "api.stock.add_item"):               "N    N   Y     Y     N",
    ("POST", "api.stock.add_donation"):           "N    N   Y     Y     N",
    ("GET",  "api.stock.stock"):                  "N    N   Y     Y     N",
    ("GET",  "api.reports.daily"):                "N    N   N     Y     N",
    ("GET",  "api.reports.daily_xlsx"):           "N    N   N     Y     N",
    ("GET",  "api.privacy.export"):               "N    N   N     Y     N",
    ("DELETE", "api.privacy.erase"):              "N    N   N     Y     N",
    # household changes, consents, photos, import
    ("GET",  "households.changes.add_member"):   "N    Y   N     Y     N",
    ("POST", "households.changes.add_member"):   "N    Y   N     Y     N",
    ("POST", "households.changes.departed"):     "N    Y   N     Y     N",
    ("POST", "households.changes.head"):         "N    Y   N     Y     N",
    ("POST", "households.changes.move"):         "N    N   N     Y     N",
    ("POST", "households.changes.give_consent"): "N    Y   N     Y     N",
    ("POST", "households.changes.withdraw_consent"):"N    Y   N     Y     N",
    ("POST", "households.changes.flags"):        "N    Y   N     Y     N",
    ("POST", "households.changes.photo"):        "N    Y   N     Y     N",
    ("GET",  "households.changes.photo_file"):   "N    Y   N     Y     N",
    ("GET",  "households.imports.upload"):       "N    N   N     Y     N",
    ("POST", "households.imports.upload"):       "N    N   N     Y     N",
    ("GET",  "households.imports.job"):          "N    N   N     Y     N",
    ("POST", "households.imports.mapping"):      "N    N   N     Y     N",
    ("POST", "households.imports.run"):          "N    N   N     Y     N",
    ("GET",  "households.imports.progress"):     "N    N   N     Y     N",
    ("GET",  "households.key_conflicts.index"):  "N    N   N     Y     N",
    ("POST", "households.key_conflicts.settle"): "N    N   N     Y     N",
    # stock: catalog, donations, donors, counts, transfers, expiry
    ("POST", "stock.write_off_expired"):         "N    N   Y     Y     N",
    ("GET",  "stock.history"):                   "N    N   Y     Y     N",
    ("GET",  "stock.catalog"):                   "N    N   Y     Y     N",
    ("POST", "stock.catalog"):                   "N    N   Y     Y     N",
    ("POST", "stock.item_settings"):             "N    N   Y     Y     N",
    ("POST", "stock.add_barcode"):               "N    N   Y     Y     N",
    ("GET",  "stock.donations"):                 "N    N   Y     Y     N",
    ("POST", "stock.reverse"):                   "N    N   Y     Y     N",
    ("GET",  "stock.donors"):                    "N    N   Y     Y     N",
    ("POST", "stock.donors"):                    "N    N   Y     Y     N",
    ("GET",  "stock.donor_report"):              "N    N   Y     Y     N",
    ("GET",  "stock.donor_report_xlsx"):         "N    N   Y     Y     N",
    ("GET",  "stock.donor_report_csv"):          "N    N   Y     Y     N",
    ("GET",  "stock.voucher_report_xlsx"):       "N    N   Y     Y     N",
    ("GET",  "stock.voucher_report_csv"):        "N    N   Y     Y     N",
    ("GET",  "stock.voucher_report"):            "N    N   Y     Y     N",
    ("GET",  "stock.counts_page"):               "N    N   Y     Y     N",
    ("POST", "stock.start_count"):               "N    N   Y     Y     N",
    ("GET",  "stock.count"):                     "N    N   Y     Y     N",
    ("POST", "stock.count_line"):                "N    N   Y     Y     N",
    ("POST", "stock.finish_count"):              "N    N   Y     Y     N",
    ("GET",  "stock.transfers"):                 "N    N   Y     Y     N",
    ("POST", "stock.transfers"):                 "N    N   Y     Y     N",
    ("POST", "stock.receive_transfer"):          "N    N   Y     Y     N",
    # reports: period, served lists, dashboard, charts
    ("GET",  "reports.period_page"):             "N    N   N     Y     N",
    ("GET",  "reports.period_xlsx"):             "N    N   N     Y     N",
    ("GET",  "reports.period_csv"):              "N    N   N     Y     N",
    ("GET",  "reports.served_xlsx"):             "N    N   N     Y     N",
    ("GET",  "reports.served_csv"):              "N    N   N     Y     N",
    ("GET",  "reports.dashboard"):               "N    N   N     Y     N",
    ("GET",  "reports.dashboard_data"):          "N    N   N     Y     N",
    ("GET",  "reports.charts_page"):             "N    N   N     Y     N",
    # the entitlement rules editor
    ("GET",  "entitlements.index"):              "N    N   N     Y     N",
    ("POST", "entitlements.add"):                "N    N   N     Y     N",
    ("POST", "entitlements.retire"):             "N    N   N     Y     N",
    # the JSON API: household changes, stock ledger, period reports
    ("POST", "api.households.add_member"):       "N    Y   N     Y     N",
    ("POST", "api.households.departure"):        "N    Y   N     Y     N",
    ("POST", "api.households.head"):             "N    Y   N     Y     N",
    ("POST", "api.households.move"):             "N    N   N     Y     N",
    ("GET",  "api.households.household_history"):"N    Y   N     Y     N",
    ("POST", "api.households.give_consent"):     "N    Y   N     Y     N",
    ("POST", "api.households.withdraw_consent"): "N    Y   N     Y     N",
    ("POST", "api.households.set_flags"):        "N    Y   N     Y     N",
    ("GET",  "api.stock.donors"):                "N    N   Y     Y     N",
    ("POST", "api.stock.add_donor"):             "N    N   Y     Y     N",
    ("POST", "api.stock.reverse"):               "N    N   Y     Y     N",
    ("GET",  "api.stock.stock_movements"):       "N    N   Y     Y     N",
    ("POST", "api.stock.add_adjustment"):        "N    N   Y     Y     N",
    ("POST", "api.stock.add_transfer"):          "N    N   Y     Y     N",
    ("POST", "api.stock.receive_transfer"):      "N    N   Y     Y     N",
    ("GET",  "api.stock.sites"):                 "N    N   Y     Y     N",
    ("POST", "api.stock.add_site"):              "N    N   N     Y     N",
    ("POST", "api.stock.add_voucher_batch"):     "N    N   Y     Y     N",
    ("POST", "api.stock.start_count"):           "N    N   Y     Y     N",
    ("POST", "api.stock.enter_count_line"):      "N    N   Y     Y     N",
    ("POST", "api.stock.finish_count"):          "N    N   Y     Y     N",
    ("GET",  "api.stock.lots"):                  "N    N   Y     Y     N",
    ("POST", "api.stock.write_off"):             "N    N   Y     Y     N",
    ("GET",  "api.reports.period"):              "N    N   N     Y     N",
    ("GET",  "api.reports.period_xlsx"):         "N    N   N     Y     N",
    ("GET",  "api.reports.period_csv"):          "N    N   N     Y     N",
    ("GET",  "api.reports.served_xlsx"):         "N    N   N     Y     N",
    ("GET",  "api.reports.served_csv"):          "N    N   N     Y     N",
    # the OpenAPI document of the API: for any signed-in role
    ("GET",  "api.openapi"):                     "N    Y   Y     Y     N",
}
# fmt: on


def allowed(method: str, endpoint: str) -> dict[str, bool]:
    """The row as {role: gets in}."""
    marks = ACCESS[(method, endpoint)].split()
    assert len(marks) == len(ROLES) and set(marks) <= {"Y", "N"}, (method, endpoint)
    return dict(zip(ROLES, (m == "Y" for m in marks), strict=True))
