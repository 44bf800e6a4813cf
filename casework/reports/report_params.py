"""The parameters the Flycapture return and the performance report share: which borough, whose scope,
and the months offered in their pickers.

Borough managers report on their own borough; partnership managers (no borough) on any borough or on
all of them together. A borough outside the user's scope is answered like a case outside it: not found.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from casework.auth.models import User
from casework.extensions import db
from casework.places.models import Borough
from casework.reports.periods import Month

ALL = "all"
MONTHS_OFFERED = 36


class ParameterError(ValueError):
    """A report parameter we cannot use; the message says why, for people."""


class OutOfScope(LookupError):
    """A borough the user may not report on (answered as not found)."""


@dataclass(frozen=True)
class BoroughChoice:
    """One borough, or every borough of the partnership together (`borough` None)."""

    borough: Borough | None

    @property
    def borough_id(self) -> int | None:
        return self.borough.id if self.borough is not None else None

    @property
    def code(self) -> str:
        return self.borough.code if self.borough is not None else ALL

    @property
    def name(self) -> str:
        return self.borough.name if self.borough is not None else "All boroughs"


def reportable_boroughs(user: User) -> list[Borough]:
    """The boroughs `user` may report on, by name."""
    query = select(Borough).order_by(Borough.name)
    if user.borough_id is not None:
        query = query.where(Borough.id == user.borough_id)
    return list(db.session.scalars(query))


def choose_borough(user: User, text: str | None, *, default_all: bool) -> BoroughChoice:
    """The borough asked for in `text` (a code such as DAR, or "all"), checked against the user's scope.

    With nothing asked for: the user's own borough, or for a partnership manager all boroughs
    (`default_all`) or the first borough by name.
    """
    wanted = (text or "").strip()
    if not wanted:
        if user.borough_id is not None:
            return BoroughChoice(db.session.get(Borough, user.borough_id))
        boroughs = reportable_boroughs(user)
        return BoroughChoice(None if default_all or not boroughs else boroughs[0])
    if wanted.lower() == ALL:
        if user.borough_id is not None:
            raise OutOfScope(wanted)
        return BoroughChoice(None)
    borough = db.session.scalar(select(Borough).where(Borough.code == wanted.upper()[:5]))
    if borough is None:
        raise ParameterError(f"There is no borough with the code {wanted[:20]}: choose one from the list")
    if user.borough_id is not None and borough.id != user.borough_id:
        raise OutOfScope(wanted)
    return BoroughChoice(borough)


def month_items(chosen: Month | None, latest: Month) -> list[dict]:
    """Select items for the MONTHS_OFFERED months up to `latest`, newest first, plus `chosen` if older."""
    months = [latest.plus(-back) for back in range(MONTHS_OFFERED)]
    if chosen is not None and chosen not in months:
        months.append(chosen)
    return [{"value": m.iso, "text": m.label, "selected": m == chosen} for m in months]
