"""The workflow help page draws the workflow from the same table the services enforce."""

from __future__ import annotations

import re

import pytest

from casework.auth.roles import Role
from casework.cases import diagram, workflow
from tests.builders import make_user


@pytest.fixture
def officer_client(app, login):
    return login(make_user(Role.OFFICER))


def svg_of(page: str) -> str:
    match = re.search(r"<svg.*?</svg>", page, re.S)
    assert match, "no inline SVG on the page"
    return match.group(0)


@pytest.mark.parametrize("role", list(Role))
def test_every_signed_in_user_can_read_it(app, client, login, role):
    login(make_user(role))
    response = client.get("/help/workflow")
    assert response.status_code == 200
    assert "How a case moves through the workflow" in response.get_data(as_text=True)


def test_signed_out_people_are_sent_to_sign_in(app, client):
    response = client.get("/help/workflow")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]
    assert client.get("/help/workflow.svg").status_code == 302


def test_the_drawing_shows_every_state_and_transition_of_the_table(app, officer_client):
    page = officer_client.get("/help/workflow").get_data(as_text=True)
    svg = svg_of(page)
    for state in workflow.STATES:
        assert f'data-state="{state.code}"' in svg
        for word in state.label.split():
            assert word in svg
    for transition in workflow.TRANSITIONS:
        assert f'data-transition="{transition.name}"' in svg
        assert transition.label in svg
    # one arrowhead per transition: the stub into its target
    assert svg.count("marker-end=") == len(workflow.TRANSITIONS) + 1  # + the start arrow
    assert "(manager)" in svg and "(officer)" in svg and "(officer or manager)" in svg


def test_the_drawing_is_an_accessible_image_with_no_outside_references(app, officer_client):
    svg = svg_of(officer_client.get("/help/workflow").get_data(as_text=True))
    head = svg.split(">", 1)[0]
    assert 'role="img"' in head
    ids = re.search(r'aria-labelledby="([^"]+)"', head).group(1).split()
    for ident in ids:
        assert f'id="{ident}"' in svg
    assert "<title id=" in svg and "<desc id=" in svg
    assert "<script" not in svg and "http://" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in svg and "style=" not in svg  # the CSP allows no inline styles


def test_the_tables_describe_who_may_do_what_and_when(app, officer_client):
    page = officer_client.get("/help/workflow").get_data(as_text=True)
    close_row = re.search(r'<tr class="govuk-table__row" data-transition="close">.*?</tr>', page, re.S).group(
        0
    )
    assert "Any open state except Closure requested" in close_row
    assert "Manager" in close_row and "Enforcement officer" not in close_row
    assert "An outcome is chosen." in close_row
    assert "clearance of every flytip" in close_row and "not our responsibility" in close_row
    assert "original case is named" in close_row
    investigate = re.search(
        r'<tr class="govuk-table__row" data-transition="investigate">.*?</tr>', page, re.S
    ).group(0)
    assert "assigned to an officer" in investigate and "Enforcement officer or Manager" in investigate
    reopen = re.search(r'<tr class="govuk-table__row" data-transition="reopen">.*?</tr>', page, re.S).group(0)
    assert "A reason is given" in reopen
    for code, label in workflow.OUTCOMES:
        assert f'data-outcome="{code}">{label}<' in page.replace("&#39;", "'")
    states = re.search(r'<table class="govuk-table" id="states">.*?</table>', page, re.S).group(0)
    for state in workflow.STATES:
        assert state.description.replace("'", "&#39;") in states


def test_the_full_size_drawing_is_a_standalone_svg(app, officer_client):
    response = officer_client.get("/help/workflow.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    body = response.get_data(as_text=True)
    assert body.startswith('<svg xmlns="http://www.w3.org/2000/svg"') and body.endswith("</svg>")
    assert re.search(r'width="\d+" height="\d+"', body.split(">", 1)[0])


def test_a_state_added_to_the_table_is_drawn_without_other_edits(app, officer_client, monkeypatch):
    archived = workflow.State(
        "archived", "Archived", "Kept for the retention period, then deleted.", is_open=False
    )
    archive = workflow.Transition(
        "archive",
        "Archive case",
        frozenset({"closed"}),
        "archived",
        frozenset({Role.MANAGER}),
        guards=(workflow.reason_given,),
    )
    monkeypatch.setattr(workflow, "STATES", (*workflow.STATES, archived))
    monkeypatch.setattr(workflow, "TRANSITIONS", (*workflow.TRANSITIONS, archive))
    page = officer_client.get("/help/workflow").get_data(as_text=True)
    svg = svg_of(page)
    assert 'data-state="archived"' in svg and "Archived" in svg
    assert 'data-transition="archive"' in svg and "Archive case*" in svg
    assert re.search(r'data-transition="archive">\s*<th[^>]*>Archive case', page)
    assert "Kept for the retention period" in page
    closed_row = re.search(r'<tr class="govuk-table__row" data-state="closed">.*?</tr>', page, re.S).group(0)
    assert "Archive case (Archived)" in closed_row


def test_an_undescribed_guard_is_described_from_its_docstring_or_name(monkeypatch):
    def needs_a_panel_date(case, given):
        """A panel date is set."""

    def has_no_docstring(case, given):
        return None

    assert diagram.describe_guard(needs_a_panel_date) == "A panel date is set."
    assert diagram.describe_guard(has_no_docstring) == "Has no docstring."
    assert diagram.describe_guard(workflow.officer_assigned) == "The case is assigned to an officer."


def test_sources_are_described_briefly():
    open_states = [s.code for s in workflow.STATES if s.is_open]
    assert diagram.describe_sources(open_states) == "Any open state"
    assert diagram.describe_sources(["new"]) == "New"
    assert diagram.describe_sources(["triaged", "new"]) == "New or Triaged"
    assert diagram.describe_roles([Role.MANAGER, Role.OFFICER]) == "Enforcement officer or Manager"
    assert diagram.describe_roles([Role.MANAGER], short=True) == "manager"


def test_labels_never_overlap_on_one_level():
    states = list(workflow.STATES)
    lanes = diagram._lanes({s.code: i for i, s in enumerate(states)})
    for above in (True, False):
        side = [lane for lane in lanes if lane.above == above]
        diagram._pack(side)
        for a in side:
            for b in side:
                if a is not b and a.level == b.level:
                    (a_low, a_high), (b_low, b_high) = a.extent(), b.extent()
                    assert a_high < b_low or b_high < a_low, (a.transition.name, b.transition.name)


def test_text_in_the_table_is_escaped_in_the_drawing(app, monkeypatch):
    odd = workflow.State("odd", "<b>Odd & end</b>", "desc")
    monkeypatch.setattr(workflow, "STATES", (*workflow.STATES, odd))
    svg = diagram.draw().svg
    assert "<b>" not in svg and "&lt;b&gt;Odd" in svg and "&amp;" in svg
