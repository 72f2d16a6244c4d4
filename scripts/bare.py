"""The yardsticks for scripts/bench: bare Flask + SQLAlchemy endpoints behind the same
waitress server as the app, with none of the app around them: no login, no token, no gate for
writers, pysqlite's own transactions. Not part of the app.

- POST /bare/handover (the default): a handover's statements, the same as
  app/desk/services.py runs (the card, the 10-day claim, the members, the visit and who was
  served, the stock and its first-expiring lots, the movements, the audit events in one
  INSERT), with no rules.
- POST /bare/lean (--lean): only what the 10-day rule itself needs (issue 20, target 3): the
  card by its token, the household's last visit, the conditional claim, and three conditional
  stock updates; no visit recorded, no lots, no audit.

    python scripts/bare.py PORT DATABASE_URL THREADS [--lean]
"""

from __future__ import annotations

import hashlib
import sys
from datetime import UTC, date, datetime

from flask import Flask, request
from sqlalchemy import Engine, bindparam, create_engine, event, text
from waitress import serve

STATEMENTS = {
    "card": text(
        "SELECT id, household_id, revoked_at FROM cards "
        "WHERE household_id = :id AND revoked_at IS NULL"
    ),
    "claim": text(
        "UPDATE households SET last_served_on = :today WHERE id = :id "
        "AND (last_served_on IS NULL OR last_served_on <= :cutoff)"
    ),
    "members": text(
        "SELECT sex, birth_date, disability, chronic_disease FROM members "
        "WHERE household_id = :id ORDER BY id"
    ),
    "distribution": text(
        "INSERT INTO distributions (household_id, site_id, served_on, served_at, people) "
        "VALUES (:id, 1, :today, :now, :people) RETURNING id"
    ),
    "lock": text(
        "SELECT item_id, on_hand FROM stock_levels WHERE site_id = 1 AND item_id IN (1, 2) "
        "ORDER BY item_id"
    ),
    "take": text(
        "UPDATE stock_levels SET on_hand = on_hand - 1 "
        "WHERE site_id = 1 AND item_id = :item AND on_hand >= 1"
    ),
    "lots": text(
        "SELECT item_id, id, on_hand FROM stock_lots WHERE site_id = 1 AND item_id IN (1, 2) "
        "AND on_hand > 0 ORDER BY item_id, expires_on, lot, id"
    ),
    "take_lot": text(
        "UPDATE stock_lots SET on_hand = on_hand - 1 WHERE id = :lot AND on_hand >= 1"
    ),
    "line": text(
        "INSERT INTO distribution_lines (distribution_id, item_id, entitled, given) "
        "VALUES (:d, :item, 1, 1)"
    ),
    "move": text(
        "INSERT INTO stock_movements (kind, item_id, site_id, quantity, at, distribution_id, "
        "lot_id) VALUES ('handover', :item, 1, -1, :now, :d, :lot)"
    ),
    "people": text(
        "INSERT INTO visit_people (distribution_id, sex, age_band, people) "
        "VALUES (:d, 'F', '18-59', :people)"
    ),
    "served": text(
        "INSERT INTO visit_members (distribution_id, member_id, disability) "
        "SELECT :d, id, disability FROM members WHERE household_id = :id"
    ),
    "audit": text(
        "INSERT INTO audit_events (at, user_id, address, action, entity, entity_id, fields) "
        "VALUES (:now, NULL, '127.0.0.1', :action, :entity, :entity_id, NULL)"
    ),
}
# The events of one handover, as the app's trail writes them: table and action.
EVENTS = [
    ("update", "households"),
    ("create", "distributions"),
    ("create", "visit_people"),
    ("create", "visit_members"),
    ("update", "stock_levels"),
    ("update", "stock_levels"),
    ("update", "stock_lots"),
    ("update", "stock_lots"),
    ("create", "stock_movements"),
    ("create", "stock_movements"),
    ("create", "distribution_lines"),
    ("create", "distribution_lines"),
]


def make_engine(url: str) -> Engine:
    engine = create_engine(url, pool_size=16)
    if url.startswith("sqlite"):

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            for pragma in ("journal_mode=WAL", "synchronous=FULL", "busy_timeout=15000"):
                dbapi_connection.execute(f"PRAGMA {pragma}")

    return engine


def make_app(url: str) -> Flask:
    engine = make_engine(url)
    lock = STATEMENTS["lock"]
    if url.startswith("postgresql"):
        lock = text(f"{lock.text} FOR UPDATE")
    app = Flask(__name__)

    @app.post("/bare/handover")
    def handover() -> tuple[dict[str, int], int]:
        household_id = int(request.get_json()["household_id"])
        today = date.today()
        now = datetime.now(UTC).replace(tzinfo=None)
        with engine.begin() as conn:
            conn.execute(STATEMENTS["card"], {"id": household_id}).first()
            claimed = conn.execute(
                STATEMENTS["claim"],
                {
                    "today": today,
                    "id": household_id,
                    "cutoff": date.fromordinal(today.toordinal() - 10),
                },
            )
            if claimed.rowcount != 1:
                return {"household_id": household_id}, 409
            people = len(conn.execute(STATEMENTS["members"], {"id": household_id}).all())
            d = conn.execute(
                STATEMENTS["distribution"],
                {"id": household_id, "today": today, "now": now, "people": people},
            ).scalar_one()
            conn.execute(STATEMENTS["people"], {"d": d, "people": people})
            conn.execute(STATEMENTS["served"], {"d": d, "id": household_id})
            conn.execute(lock).all()
            for item in (1, 2):
                conn.execute(STATEMENTS["take"], {"item": item})
            lots = {item: lot for item, lot, _ in conn.execute(STATEMENTS["lots"]).all()[::-1]}
            for item in (1, 2):
                conn.execute(STATEMENTS["take_lot"], {"lot": lots.get(item)})
            conn.execute(
                STATEMENTS["move"],
                [{"d": d, "item": item, "now": now, "lot": lots.get(item)} for item in (1, 2)],
            )
            conn.execute(STATEMENTS["line"], [{"d": d, "item": item} for item in (1, 2)])
            conn.execute(
                STATEMENTS["audit"],
                [
                    {"now": now, "action": action, "entity": entity, "entity_id": str(d)}
                    for action, entity in EVENTS
                ],
            )
        return {"id": d}, 201

    @app.get("/bare/ping")
    def ping() -> str:
        return "ok"

    return app


LEAN = {
    "card": text("SELECT household_id FROM cards WHERE token_hash = :hash AND revoked_at IS NULL"),
    "last": text(
        "SELECT served_on FROM distributions WHERE household_id = :id "
        "ORDER BY served_on DESC LIMIT 1"
    ),
    "claim": STATEMENTS["claim"],
    "take": text(
        "UPDATE stock_levels SET on_hand = on_hand - :n "
        "WHERE site_id = :site AND item_id = :item AND on_hand >= :n"
    ),
}
QR_PREFIX = "AD1-"  # app/cards/tokens.py
LEAN_ITEMS = ("FOOD", "HYGIENE", "BABY")  # three stock updates, in item order (no deadlock)


class Refused(Exception):
    """A lean handover that must write nothing: the answer, and its claim rolled back."""

    def __init__(self, answer: dict[str, object]) -> None:
        super().__init__(answer)
        self.answer = answer


def make_lean_app(url: str, site: str = "MAIN") -> Flask:
    engine = make_engine(url)
    with engine.connect() as conn:
        site_id = conn.execute(text("SELECT id FROM sites WHERE code = :c"), {"c": site}).scalar()
        items = sorted(
            conn.execute(
                text("SELECT id FROM items WHERE sku IN :skus").bindparams(
                    bindparam("skus", expanding=True)
                ),
                {"skus": list(LEAN_ITEMS)},
            ).scalars()
        )
    app = Flask(__name__)
    app.extensions["bare_engine"] = engine  # a test disposes of it

    @app.post("/bare/lean")
    def lean() -> tuple[dict[str, object], int]:
        qr = str(request.get_json()["qr"])
        token_hash = hashlib.sha256(qr.removeprefix(QR_PREFIX).encode()).hexdigest()
        today = date.today()
        try:
            with engine.begin() as conn:
                household_id = conn.execute(LEAN["card"], {"hash": token_hash}).scalar()
                if household_id is None:
                    return {"error": "unknown_card"}, 404
                last = conn.execute(LEAN["last"], {"id": household_id}).scalar()
                claimed = conn.execute(
                    LEAN["claim"],
                    {
                        "today": today,
                        "id": household_id,
                        "cutoff": date.fromordinal(today.toordinal() - 10),
                    },
                )
                if claimed.rowcount != 1:
                    raise Refused({"error": "not_eligible", "last_visit": str(last)})
                for item in items:
                    taken = conn.execute(LEAN["take"], {"n": 1, "site": site_id, "item": item})
                    if taken.rowcount != 1:  # the claim goes back too: nobody served from nothing
                        raise Refused({"error": "insufficient_stock", "item": item})
        except Refused as refused:
            return refused.answer, 409
        return {"household_id": household_id, "last_visit": str(last)}, 201

    @app.get("/bare/ping")
    def ping() -> str:
        return "ok"

    return app


if __name__ == "__main__":
    port, url, threads = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    wsgi = make_lean_app(url) if "--lean" in sys.argv[4:] else make_app(url)
    serve(wsgi, host="127.0.0.1", port=port, threads=threads, _quiet=True)
