from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base
from app.stock.models import Item


class EntitlementRule(Base):
    """What a household gets per visit: ``quantity`` of an item per household, or per member
    who matches (under an age, at least an age, or flagged with a disability or chronic
    disease; no condition means every member). Past distributions keep their own lines."""

    __tablename__ = "entitlement_rules"
    __table_args__ = (
        CheckConstraint("per IN ('household', 'member')", name="per"),
        CheckConstraint("quantity > 0", name="positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    # The programme whose rule it is (the starting programme for the rules before programmes).
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    per: Mapped[str] = mapped_column(String(10))
    quantity: Mapped[int] = mapped_column(default=1)
    under_age: Mapped[int | None]
    min_age: Mapped[int | None]
    include_flagged: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)

    item: Mapped[Item] = relationship()
