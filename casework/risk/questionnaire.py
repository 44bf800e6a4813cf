"""The victim risk assessment matrix, as data: sections, questions, answer weights and bands.

A questionnaire is versioned. Each assessment stores the version it was answered on, so an old
assessment is always explained by the questions and weights it was scored with: change the
matrix by adding a new version (and pointing CURRENT_VERSION at it), never by editing an old one.

Scoring is a plain sum of the points of the chosen answers; the total falls into a band (standard,
medium, high) by the thresholds below. A few answers are so serious that on their own they set a
minimum level (a "floor"): thoughts of self-harm make the risk high whatever the total. Points are
never negative and floors only raise the level, so a worse answer can never lower the level.
"""

from __future__ import annotations

from dataclasses import dataclass, field

LEVELS: tuple[tuple[str, str], ...] = (("standard", "Standard"), ("medium", "Medium"), ("high", "High"))
LEVEL_RANK = {code: rank for rank, (code, _label) in enumerate(LEVELS)}
LEVEL_TAGS = {"standard": "green", "medium": "yellow", "high": "red"}


@dataclass(frozen=True)
class Option:
    """One answer to a question and the points it adds."""

    code: str
    label: str
    points: int = 0


@dataclass(frozen=True)
class Question:
    """A question; `floors` maps an answer code to the minimum level that answer sets on its own."""

    code: str
    text: str
    options: tuple[Option, ...]
    hint: str = ""
    floors: dict[str, str] = field(default_factory=dict)

    def option(self, code: str | None) -> Option | None:
        return next((option for option in self.options if option.code == code), None)

    @property
    def max_points(self) -> int:
        return max(option.points for option in self.options)


@dataclass(frozen=True)
class Section:
    code: str
    title: str
    description: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Band:
    """A level and the lowest total that reaches it."""

    level: str
    min_total: int


@dataclass(frozen=True)
class Questionnaire:
    version: str
    sections: tuple[Section, ...]
    bands: tuple[Band, ...]  # ascending by min_total; the first starts at 0

    @property
    def questions(self) -> list[Question]:
        return [question for section in self.sections for question in section.questions]

    def question(self, code: str) -> Question | None:
        return next((question for question in self.questions if question.code == code), None)

    @property
    def max_total(self) -> int:
        return sum(question.max_points for question in self.questions)


def yes_no(yes_points: int) -> tuple[Option, ...]:
    """Yes / No / Not known; not known scores nothing (reassess when it is known)."""
    return (Option("yes", "Yes", yes_points), Option("no", "No", 0), Option("not_known", "Not known", 0))


V2026_1 = Questionnaire(
    version="2026.1",
    sections=(
        Section(
            "personal",
            "Personal vulnerability",
            "Who the victim is: what makes the behaviour harder for them to bear.",
            (
                Question(
                    "p_health",
                    "Does the victim have a disability, or a physical or mental health condition?",
                    yes_no(4),
                    hint="Including a learning disability or long-term illness.",
                ),
                Question("p_age", "Is the victim under 18 or aged 65 or over?", yes_no(3)),
                Question(
                    "p_support",
                    "Does the victim lack support from family, friends or other agencies?",
                    yes_no(3),
                ),
            ),
        ),
        Section(
            "situational",
            "Situational vulnerability",
            "Where the victim is: how exposed they are to the behaviour.",
            (
                Question("s_alone", "Does the victim live alone?", yes_no(2)),
                Question(
                    "s_near",
                    "Does the person causing the behaviour live near the victim?",
                    yes_no(3),
                    hint="The same street, block or estate.",
                ),
                Question(
                    "s_home",
                    "Does the behaviour happen at or near the victim's home, so they cannot avoid it?",
                    yes_no(3),
                ),
            ),
        ),
        Section(
            "incidental",
            "Incidental vulnerability",
            "What happened: the nature of the behaviour itself.",
            (
                Question(
                    "i_hate",
                    "Is the victim targeted because of who they are?",
                    yes_no(5),
                    hint="Race, religion, disability, sexual orientation or transgender identity (hate).",
                    floors={"yes": "medium"},
                ),
                Question(
                    "i_violence",
                    "Has there been violence, or threats of violence?",
                    (
                        Option("none", "No", 0),
                        Option("threats", "Threats of violence", 4),
                        Option("violence", "Actual violence", 7),
                        Option("not_known", "Not known", 0),
                    ),
                ),
                Question("i_damage", "Has the victim's home or property been damaged?", yes_no(3)),
            ),
        ),
        Section(
            "repeat",
            "Repeat victimisation",
            "How often it happens, and whether it is getting worse.",
            (
                Question(
                    "r_frequency",
                    "How often has the behaviour happened in the last 3 months?",
                    (
                        Option("once", "Once", 0),
                        Option("few", "2 or 3 times", 2),
                        Option("weekly", "About every week", 4),
                        Option("daily", "Most days", 6),
                    ),
                ),
                Question(
                    "r_previous",
                    "Has the victim reported anti-social behaviour or crime in the last 12 months?",
                    yes_no(3),
                ),
                Question("r_escalating", "Is the behaviour getting worse or more frequent?", yes_no(4)),
            ),
        ),
        Section(
            "impact",
            "Impact on the victim",
            "What the behaviour is doing to the victim's life and health.",
            (
                Question(
                    "m_health",
                    "Is the behaviour affecting the victim's physical or mental health?",
                    (
                        Option("no", "No", 0),
                        Option("some", "Somewhat", 3),
                        Option("serious", "Seriously", 6),
                        Option("not_known", "Not known", 0),
                    ),
                ),
                Question(
                    "m_routine",
                    "Has the victim changed their daily routine because of it?",
                    yes_no(3),
                    hint="For example staying in, not using the garden, not sleeping.",
                ),
                Question("m_fear", "Does the victim fear for their safety at home?", yes_no(4)),
                Question(
                    "m_harm",
                    "Has the victim thought about harming themselves because of the behaviour?",
                    yes_no(8),
                    hint="A yes makes the risk high whatever the score.",
                    floors={"yes": "high"},
                ),
            ),
        ),
    ),
    # Standard below 15 points, medium 15 to 29, high 30 or more (of 67).
    bands=(Band("standard", 0), Band("medium", 15), Band("high", 30)),
)

QUESTIONNAIRES: dict[str, Questionnaire] = {V2026_1.version: V2026_1}
CURRENT_VERSION = V2026_1.version


def current() -> Questionnaire:
    """The questionnaire new assessments use."""
    return QUESTIONNAIRES[CURRENT_VERSION]


def level_label(code: str | None) -> str:
    """'High' for 'high' ('Not assessed' for none)."""
    return dict(LEVELS).get(code or "", "Not assessed")


def higher(a: str, b: str) -> str:
    """The higher of two levels."""
    return a if LEVEL_RANK[a] >= LEVEL_RANK[b] else b


# ---- scoring -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Contribution:
    """One answer as the explanation shows it."""

    section: str
    question: str
    answer: str
    points: int
    floor: str | None


@dataclass(frozen=True)
class Score:
    """The result of scoring a set of answers, with everything the explanation needs."""

    version: str
    sections: dict[str, int]
    total: int
    band_level: str  # the level the total alone reaches
    level: str  # the band level raised by any floor
    floors: tuple[Contribution, ...]
    contributions: tuple[Contribution, ...]

    @property
    def raised_by_floor(self) -> bool:
        return self.level != self.band_level


class Unanswered(ValueError):
    """Answers missing or not among a question's options: the codes of the questions concerned."""

    def __init__(self, codes: list[str]) -> None:
        super().__init__(", ".join(codes))
        self.codes = codes


def band_for(questionnaire: Questionnaire, total: int) -> str:
    """The level a total reaches (the highest band whose threshold it meets)."""
    level = questionnaire.bands[0].level
    for band in questionnaire.bands:
        if total >= band.min_total:
            level = band.level
    return level


def score(questionnaire: Questionnaire, answers: dict[str, str]) -> Score:
    """Score a complete set of answers; raises Unanswered naming what is missing or invalid."""
    missing = [q.code for q in questionnaire.questions if q.option(answers.get(q.code)) is None]
    if missing:
        raise Unanswered(missing)
    sections: dict[str, int] = {}
    contributions = []
    for section in questionnaire.sections:
        sections[section.code] = 0
        for question in section.questions:
            option = question.option(answers[question.code])
            sections[section.code] += option.points
            contributions.append(
                Contribution(
                    section.code, question.text, option.label, option.points, question.floors.get(option.code)
                )
            )
    total = sum(sections.values())
    band_level = band_for(questionnaire, total)
    floors = tuple(c for c in contributions if c.floor is not None)
    level = band_level
    for contribution in floors:
        level = higher(level, contribution.floor)
    return Score(questionnaire.version, sections, total, band_level, level, floors, tuple(contributions))
