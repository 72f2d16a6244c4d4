from sqlalchemy import func, select

from app.extensions import db
from app.households.models import Household


def form(**overrides: str) -> dict[str, str]:
    data = {
        "members-0-given_name": "Olena",
        "members-0-family_name": "Koval",
        "members-0-birth_date": "1985-03-02",
        "members-0-sex": "F",
        "members-0-relationship": "head",
        "members-0-document_type": "passport",
        "members-0-document_number": "FA 123456",
        "members-0-document_country": "UKR",
        "phone": "+40 712 345 678",
        "save": "1",
    }
    data.update(overrides)
    return data


def count_households(app) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.scalar(select(func.count(Household.id)))


def test_register_a_household_then_see_its_page_and_card(login) -> None:  # type: ignore[no-untyped-def]
    client = login("volunteer")
    response = client.post("/households/new", data=form())
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert "Olena Koval" in page.text and "in force" in page.text
    card = client.get(response.headers["Location"] + "/card.png")
    assert card.mimetype == "image/png" and card.data[:8] == b"\x89PNG\r\n\x1a\n"


def test_add_a_member_adds_a_fieldset_and_saves_nothing(app, login) -> None:  # type: ignore[no-untyped-def]
    client = login("volunteer")
    data = form()
    del data["save"]
    data["add_member"] = "1"
    page = client.post("/households/new", data=data)
    assert "members-1-given_name" in page.text
    assert count_households(app) == 0


def test_a_family_of_two_is_registered_with_both_members(app, login) -> None:  # type: ignore[no-untyped-def]
    client = login("volunteer")
    data = form(
        **{
            "members-1-given_name": "Ivan",
            "members-1-family_name": "Koval",
            "members-1-birth_date": "2020-05-05",
            "members-1-sex": "M",
            "members-1-relationship": "child",
            "members-1-document_type": "birth_certificate",
            "members-1-document_number": "I-БК 123456",
            "members-1-document_country": "UKR",
        }
    )
    assert client.post("/households/new", data=data).status_code == 302
    page = client.get("/households/1")
    # After registration a volunteer sees a document number's last 4 characters (issue 7).
    assert "Ivan Koval" in page.text and "•••••••3456" in page.text
    assert "I-БК 123456" not in page.text


def test_problems_are_shown_at_the_field_and_nothing_is_saved(app, login) -> None:  # type: ignore[no-untyped-def]
    client = login("volunteer")
    page = client.post(
        "/households/new", data=form(**{"members-0-birth_date": "2999-01-01", "phone": "call me"})
    )
    assert page.status_code == 200
    assert "is in the future" in page.text
    assert count_households(app) == 0


def test_a_registered_document_opens_the_existing_household(app, login) -> None:  # type: ignore[no-untyped-def]
    client = login("volunteer")
    client.post("/households/new", data=form())
    again = client.post("/households/new", data=form(**{"members-0-document_number": "fa-123 456"}))
    assert again.status_code == 409
    assert 'href="/households/1"' in again.text
    assert count_households(app) == 1


def test_reissuing_the_card_revokes_the_old_one(login, register) -> None:  # type: ignore[no-untyped-def]
    household = register()
    client = login("volunteer")
    response = client.post(f"/households/{household['id']}/cards", data={"reason": "lost"})
    assert response.status_code == 302
    page = client.get(f"/households/{household['id']}")
    assert page.text.count("replaced") == 1 and "(Lost)" in page.text
    scan = client.post("/desk/check", data={"scan": household["card"]["qr"]})
    assert 'data-state="revoked"' in scan.text


def test_unknown_household_is_a_404_page(login) -> None:  # type: ignore[no-untyped-def]
    response = login("volunteer").get("/households/999")
    assert response.status_code == 404 and "Not found" in response.text


def test_remove_the_last_member_takes_it_off_the_form(login) -> None:  # type: ignore[no-untyped-def]
    client = login("volunteer")
    data = form(**{"members-1-given_name": "Extra", "remove_member": "1"})
    del data["save"]
    page = client.post("/households/new", data=data)
    assert "members-1-given_name" not in page.text and "Olena" in page.text


def test_a_member_without_a_chosen_sex_is_not_registered(app, login) -> None:  # type: ignore[no-untyped-def]
    page = login("volunteer").post("/households/new", data=form(**{"members-0-sex": ""}))
    assert "This field is required" in page.text
    assert count_households(app) == 0


def test_a_household_id_too_large_for_the_database_is_a_404(login) -> None:  # type: ignore[no-untyped-def]
    assert login("volunteer").get(f"/households/{2**63}").status_code == 404


def test_the_household_page_prints_the_card_as_a_card_sized_pdf(login, register) -> None:  # type: ignore[no-untyped-def]
    household = register()
    client = login("volunteer")
    page = client.get(f"/households/{household['id']}").text
    assert f"/households/{household['id']}/card.pdf" in page
    pdf = client.get(f"/households/{household['id']}/card.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")


def test_the_name_in_cyrillic_is_kept_shown_and_found(login, api) -> None:  # type: ignore[no-untyped-def]
    client = login("volunteer")
    data = form(
        **{"members-0-given_name_native": "Олена", "members-0-family_name_native": "Коваль"}
    )
    location = client.post("/households/new", data=data).headers["Location"]
    assert "Олена Коваль" in client.get(location).text
    found = api("volunteer").get("/api/v1/people?q=Коваль").get_json()
    assert [p["family_name"] for p in found] == ["Koval"]
