"""AidDesk: point of service for refugee aid distribution centers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, Flask

from app.ops.logging import register_request_log

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    register_config(app, test_config)
    register_request_log(app)
    register_extensions(app)
    register_blueprints(app)
    register_errors(app)
    register_cli(app)
    return app


def register_config(app: Flask, test_config: dict[str, Any] | None) -> None:
    from app.config import check_secrets, load_config

    app.config.from_mapping(load_config(Path(app.instance_path)))
    if test_config:
        app.config.from_mapping(test_config)
    check_secrets(app.config)
    register_proxies(app)


def register_proxies(app: Flask) -> None:
    """Behind AID_PROXIES reverse proxies, the desk's address is the one they forward."""
    hops = app.config["AID_PROXIES"]
    if hops:
        # Only as many forwarded addresses as there are proxies: a desk cannot pose as another.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]


def register_extensions(app: Flask) -> None:
    from app import models  # noqa: F401 - every table is known before the engine is used
    from app.audit.trail import watch
    from app.auth import init_login
    from app.db import configure_engine, sqlite_connect_args
    from app.extensions import csrf, db, migrate
    from app.i18n import init_i18n

    options = app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
    # A failed statement's values (names, document numbers) stay out of tracebacks and logs.
    options.setdefault("hide_parameters", True)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        options.setdefault("connect_args", sqlite_connect_args())
    db.init_app(app)
    with app.app_context():
        configure_engine(
            db.engine,
            app.config["AID_SQLITE_CHECKPOINT_SECONDS"],
            replicated=bool(app.config["AID_STANDBY_REPLICA"]),
        )
        watch(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    init_login(app)
    init_i18n(app)


def register_blueprints(app: Flask) -> None:
    from app.api import register_api
    from app.audit.pages import bp as audit
    from app.auth.accounts import bp as accounts
    from app.auth.views import bp as auth
    from app.cards.api import bp as cards_api
    from app.cards.views import bp as cards
    from app.desk.api import bp as desk_api
    from app.desk.offline_api import bp as desk_offline_api
    from app.desk.offline_views import bp as desk_offline
    from app.desk.views import bp as desk
    from app.documents.api import bp as documents_api
    from app.ops.views import bp as ops
    from app.privacy.api import bp as privacy_api
    from app.privacy.views import bp as privacy
    from app.programmes.api import bp as programmes_api
    from app.programmes.rule_views import bp as entitlements
    from app.programmes.views import bp as programmes
    from app.public.views import bp as public_check
    from app.queue.api import bp as queue_api
    from app.queue.views import bp as queue
    from app.registry.api import bp as households_api
    from app.registry.enrolment_api import bp as enrolments_api
    from app.registry.views import bp as households
    from app.reports.api import bp as reports_api
    from app.reports.forecast import low_stock_forecast
    from app.reports.programmes import unmet_by_item
    from app.reports.stock_views import bp as stock_reports
    from app.reports.views import bp as reports
    from app.slips.api import bp as slips_api
    from app.slips.views import bp as slips
    from app.stock.api import bp as stock_api
    from app.stock.api_movements import bp as stock_movements_api
    from app.stock.catalog_api import bp as catalog_api
    from app.stock.catalog_views import bp as catalog
    from app.stock.count_api import bp as counts_api
    from app.stock.count_views import bp as counts
    from app.stock.donation_api import bp as donations_api
    from app.stock.donation_views import bp as donations
    from app.stock.names_shown import register_names
    from app.stock.site_api import bp as sites_api
    from app.stock.site_views import bp as sites
    from app.stock.transfer_api import bp as transfers_api
    from app.stock.transfer_views import bp as transfers
    from app.stock.views import bp as stock
    from app.stock.views import register_low_stock, register_unmet
    from app.stock.voucher_api import bp as vouchers_api
    from app.web import IdConverter

    app.url_map.converters["id"] = IdConverter
    for blueprint in (auth, households, cards, desk, stock, reports, ops):
        app.register_blueprint(blueprint)
    for blueprint in (catalog, donations, counts, transfers, sites, stock_reports):
        app.register_blueprint(blueprint)
    app.register_blueprint(entitlements)
    app.register_blueprint(programmes)
    app.register_blueprint(accounts)
    app.register_blueprint(audit)
    app.register_blueprint(privacy)
    app.register_blueprint(desk_offline)
    stock_apis: tuple[Blueprint, ...] = (
        stock_api,
        catalog_api,
        donations_api,
        sites_api,
        stock_movements_api,
        transfers_api,
        vouchers_api,
        counts_api,
    )
    app.register_blueprint(slips)
    app.register_blueprint(public_check)
    app.register_blueprint(queue)
    apis = (
        households_api,
        cards_api,
        desk_api,
        desk_offline_api,
        *stock_apis,
        reports_api,
        documents_api,
        privacy_api,
        slips_api,
        queue_api,
        programmes_api,
        enrolments_api,
    )
    register_api(app, apis)
    # Item and site names in the page's language, for every template (the stock package's).
    register_names(app)
    # The stock page's low-stock panel, from the desks' pace (reports/ is above stock/).
    register_low_stock(app, low_stock_forecast)
    # Unmet demand beside on-hand: what to ask donors for (issue 17).
    register_unmet(app, unmet_by_item)


def register_errors(app: Flask) -> None:
    from app.errors import register_error_handlers
    from app.web import register_web

    register_error_handlers(app)
    register_web(app)


def register_cli(app: Flask) -> None:
    from app.cli import register_commands

    register_commands(app)
