"""The slip's print page (the desk, after a handover) and the coordinator's look-up of a
reference a family quotes.

The print page opens in a tab of its own from the desk's answer, so a printer that is not
there, or a print dialog left open, never holds up the desk.
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from app import context
from app.auth.access import COORDINATOR, DESK, allow
from app.extensions import db
from app.slips.lines import PAPERS, slip_text
from app.slips.services import find_by_reference, slip_for

bp = Blueprint("slips", __name__)


@bp.get("/desk/slips/<id:distribution_id>")
@allow(*DESK)
def print_page(distribution_id: int) -> str:
    """The slip as a page sized for the paper (``?paper=58|80|a6``, else the site's)."""
    chosen = request.args.get("paper", "")
    paper = chosen if chosen in PAPERS else current_app.config["AID_SLIP_PAPER"]
    found = slip_for(
        db.session,
        distribution_id,
        card_key=context.card_key(),
        days=context.eligibility_days(),
        timezone=current_app.config["AID_TIMEZONE"],
    )
    text = slip_text(found, current_app.config["AID_BENEFICIARY_LANGUAGES"])
    return render_template(
        "slips/print.html",
        slip=found,
        text=text,
        paper=paper,
        papers=PAPERS,
        chosen=chosen in PAPERS,
        print_now=request.args.get("print") == "1",
    )


@bp.get("/slips")
@allow(*COORDINATOR)
def find() -> tuple[str, int]:
    """A reference a family quotes (``?ref=``), to the handover it stands for."""
    reference = request.args.get("ref", "").strip()[:40]
    found = find_by_reference(db.session, reference, card_key=context.card_key())
    status = 404 if reference and found is None else 200
    return render_template("slips/find.html", reference=reference, found=found), status
