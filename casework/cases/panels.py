"""Sections that other areas add to the case page (risk, enforcement, case review...).

An area registers a function with `@case_panel(order)`; the case page calls each with the case and
the signed-in user and shows the panels that come back, in order, each with a link in the page's
contents. The cases area so knows nothing of the areas built on it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from casework.auth.models import User
    from casework.cases.models import Case


@dataclass(frozen=True)
class CasePanel:
    """A section of the case page: its template, heading, anchor and the template's context."""

    template: str
    title: str
    anchor: str
    context: dict[str, Any] = field(default_factory=dict)


PanelFunction = Callable[["Case", "User"], CasePanel | None]
_PANELS: dict[str, tuple[int, PanelFunction]] = {}


def case_panel(order: int) -> Callable[[PanelFunction], PanelFunction]:
    """Register a function that returns the area's section of a case page (or None for no section)."""

    def register(function: PanelFunction) -> PanelFunction:
        _PANELS[f"{function.__module__}.{function.__qualname__}"] = (order, function)
        return function

    return register


def panels_for(case: Case, user: User) -> list[CasePanel]:
    """The registered sections for this case and user, in order."""
    found = []
    for _order, function in sorted(_PANELS.values(), key=lambda item: item[0]):
        panel = function(case, user)
        if panel is not None:
            found.append(panel)
    return found
