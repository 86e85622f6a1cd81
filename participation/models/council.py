"""The council's own settings: its name, its nation (for bank holidays) and closure days."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class CouncilSettings(Base):
    """One row: the council running this instance."""

    __tablename__ = "council_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # ENG, WLS, SCT or NIR: the nation whose bank holidays count as non-working days.
    nation: Mapped[str] = mapped_column(String(3), default="ENG")
    first_review_from_new_placement: Mapped[bool] = mapped_column(Boolean, default=False)


class ClosureDay(Base):
    """A day the council's offices are closed beyond the bank holidays (e.g. 24 December)."""

    __tablename__ = "closure_days"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    reason: Mapped[str] = mapped_column(String(200), default="")
