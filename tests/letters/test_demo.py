"""The demo letters: one for each demo enforcement action that has a letter, and none twice."""

from __future__ import annotations

from casework.extensions import db
from casework.letters.demo import seed_demo_letters
from casework.letters.models import Letter, LetterTemplate
from tests.cases.builders import dartford, officer_in
from tests.letters.builders import action, asb_case, subject


def test_demo_letters_are_produced_once(app):
    officer = officer_in(dartford())
    case = asb_case(officer)
    person = subject(officer, case)
    for kind in ("warning_letter", "cpw", "cpn", "fpn", "s34_notice"):
        action(case, kind, person, officer)
    action(case, "investigation", None, officer)  # no letter for an investigation
    action(case, "cpw", None, None)  # nobody to address it to: skipped, not an error

    added: dict[str, int] = {}
    seed_demo_letters(added)
    assert added == {"letters": 5}
    assert {letter.code for letter in db.session.query(Letter)} == {
        "warning_letter",
        "cpw",
        "cpn",
        "fpn",
        "s34_notice",
    }
    assert db.session.query(LetterTemplate).count() == 5
    letter = db.session.query(Letter).filter_by(code="cpw").one()
    assert letter.heading["letter_date"] == "2 November 2026"  # dated the day the action was issued

    again: dict[str, int] = {}
    seed_demo_letters(again)
    assert again == {} and db.session.query(Letter).count() == 5
