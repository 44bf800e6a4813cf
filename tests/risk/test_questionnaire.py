"""Scoring the matrix: sums, bands at their exact boundaries, floors, and monotone in the answers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casework.risk import questionnaire as matrix

Q = matrix.current()


def answers_strategy() -> st.SearchStrategy[dict[str, str]]:
    return st.fixed_dictionaries({q.code: st.sampled_from([o.code for o in q.options]) for q in Q.questions})


def worse(question: matrix.Question, code: str) -> list[str]:
    """Answers to `question` scoring at least as much as `code`."""
    points = question.option(code).points
    return [o.code for o in question.options if o.points >= points]


def test_the_matrix_is_well_formed():
    codes = [q.code for q in Q.questions]
    assert len(codes) == len(set(codes)) and 12 <= len(codes) <= 16
    assert [s.code for s in Q.sections] == ["personal", "situational", "incidental", "repeat", "impact"]
    assert [b.level for b in Q.bands] == ["standard", "medium", "high"] and Q.bands[0].min_total == 0
    assert all(a.min_total < b.min_total for a, b in zip(Q.bands, Q.bands[1:], strict=False))
    assert all(o.points >= 0 for q in Q.questions for o in q.options)
    assert all(set(q.floors) <= {o.code for o in q.options} for q in Q.questions)
    assert Q.max_total == 67 and matrix.QUESTIONNAIRES[matrix.CURRENT_VERSION] is Q


@pytest.mark.parametrize(
    ("total", "level"),
    [(0, "standard"), (14, "standard"), (15, "medium"), (29, "medium"), (30, "high"), (67, "high")],
)
def test_bands_at_their_exact_boundaries(total, level):
    assert matrix.band_for(Q, total) == level


@given(answers_strategy())
def test_the_total_is_the_sum_of_the_sections_and_of_the_answers(answers):
    scored = matrix.score(Q, answers)
    assert scored.total == sum(scored.sections.values())
    assert scored.total == sum(Q.question(code).option(answer).points for code, answer in answers.items())
    assert scored.total == sum(c.points for c in scored.contributions)
    assert matrix.LEVEL_RANK[scored.level] >= matrix.LEVEL_RANK[scored.band_level]
    assert scored.band_level == matrix.band_for(Q, scored.total)


@given(answers_strategy(), st.data())
def test_a_worse_answer_never_lowers_the_score_or_the_level(answers, data):
    code = data.draw(st.sampled_from(sorted(answers)))
    changed = {**answers, code: data.draw(st.sampled_from(worse(Q.question(code), answers[code])))}
    before, after = matrix.score(Q, answers), matrix.score(Q, changed)
    assert after.total >= before.total
    assert matrix.LEVEL_RANK[after.level] >= matrix.LEVEL_RANK[before.level]


def test_floors_raise_the_level_and_say_so():
    low = {q.code: min(q.options, key=lambda o: o.points).code for q in Q.questions}
    hate = matrix.score(Q, {**low, "i_hate": "yes"})
    assert (hate.total, hate.band_level, hate.level, hate.raised_by_floor) == (5, "standard", "medium", True)
    harm = matrix.score(Q, {**low, "m_harm": "yes", "i_hate": "yes"})
    assert harm.level == "high" and {f.floor for f in harm.floors} == {"medium", "high"}


def test_missing_and_unknown_answers_are_named():
    answers = {q.code: q.options[0].code for q in Q.questions}
    del answers["p_age"]
    answers["r_frequency"] = "hourly"
    with pytest.raises(matrix.Unanswered) as missing:
        matrix.score(Q, answers)
    assert missing.value.codes == ["p_age", "r_frequency"]
