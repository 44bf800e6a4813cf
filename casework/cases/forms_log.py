"""The "Log an incident" form: one page, grouped into what, where, flytip details, reporter and photos.

Every field takes raw text and is checked here, so any input gives a message on the page, never an
exception. `LogIncidentForm.incident_input` turns a valid form into the services' IncidentInput.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, time
from itertools import groupby

from flask import current_app, request
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from flask_wtf.form import _Auto, _is_submitted
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovDateInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from sqlalchemy import select
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms import (
    Field,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, Length, Optional

from casework.auth.models import User
from casework.cases.categories import FLYTIP_SIZES, LAND_TYPES, REPORT_CHANNELS, TYPE_GROUPS, WASTE_TYPES
from casework.cases.evidence_files import MAX_BYTES_DEFAULT, CheckedFile
from casework.cases.location import LocationError, Point, distance_m, normalise_postcode, resolve_point
from casework.cases.models import CaseType
from casework.cases.services import FlytipInput, IncidentInput, PersonInput
from casework.extensions import db
from casework.formatting import LONDON
from casework.places.models import Borough, Ward

EARLIEST_DATE = date(2000, 1, 1)
MAX_PHOTOS = 10
TIME_RE = re.compile(r"^\s*(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?\s*$", re.IGNORECASE)
NUMBER_RE = re.compile(r"^\s*[-+]?(\d+(\.\d*)?|\.\d+)\s*$")
PHONE_RE = re.compile(r"^[0-9 +()\-]{6,40}$")
YES_NO = [("yes", "Yes"), ("no", "No")]
NEW_CASE = "new"

Groups = list[tuple[str | None, list[tuple[str, str]]]]


class GovDateField(Field):
    """A GOV.UK date input (day, month, year boxes) that never raises on odd input.

    `raw_data` always holds exactly three strings once the form is posted, which the widget expects;
    errors are worded as the Design System recommends.
    """

    widget = GovDateInput()

    def __init__(self, label: str = "", validators=None, name_in_errors: str = "The date", **kwargs) -> None:
        super().__init__(label, validators, **kwargs)
        self.name_in_errors = name_in_errors

    def process_formdata(self, valuelist: list) -> None:
        parts = [str(value).strip()[:10] for value in valuelist[:3]]
        parts += [""] * (3 - len(parts))
        self.raw_data = parts
        self.data = None
        if not any(parts):
            return
        missing = [name for name, part in zip(("day", "month", "year"), parts, strict=True) if not part]
        if missing:
            raise ValueError(f"{self.name_in_errors} must include a {' and '.join(missing)}")
        if not all(part.isdigit() for part in parts) or len(parts[2]) != 4:
            raise ValueError(f"{self.name_in_errors} must be a real date, like 27 3 2026")
        try:
            self.data = date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            raise ValueError(f"{self.name_in_errors} must be a real date, like 27 3 2026") from None

    def _value(self) -> str:
        return self.data.strftime("%d %m %Y") if self.data else ""


def _choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def _text(label: str, max_length: int, message: str | None = None, **kwargs) -> StringField:
    too_long = message or f"{label.split(' (')[0]} must be {max_length} characters or fewer"
    return StringField(
        label, widget=GovTextInput(), validators=[Length(max=max_length, message=too_long)], **kwargs
    )


class LogIncidentForm(FlaskForm):
    """Log an incident: everything an officer records in the street, on one page."""

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            # Only the photos field takes files: a file posted under any other name is ignored. NUL
            # characters are dropped, as PostgreSQL cannot store them in text.
            if formdata is _Auto and _is_submitted():
                files = MultiDict([(k, v) for k, v in request.files.items(multi=True) if k == "photos"])
                fields = MultiDict([(k, v.replace("\x00", "")) for k, v in request.form.items(multi=True)])
                return CombinedMultiDict((files, fields))
            return super().wrap_formdata(form, formdata)

    # What
    case_type_id = SelectField("Type of problem", validate_choice=False, widget=GovSelect())
    channel = RadioField(
        "How was it reported?",
        choices=_choices(REPORT_CHANNELS),
        default="officer_observed",
        validate_choice=False,
        widget=GovRadioInput(),
    )
    occurred_on = GovDateField(
        "When did it happen?", name_in_errors="The date it happened", description="For example, 27 3 2026"
    )
    occurred_time = _text("Time (optional)", 10, description="Use the 24-hour clock, for example 14:30")
    description = TextAreaField(
        "Describe the problem (optional)",
        widget=GovTextArea(),
        validators=[Length(max=4000, message="The description must be 4,000 characters or fewer")],
    )

    # Where
    ward_id = SelectField("Ward", validate_choice=False, widget=GovSelect())
    address = _text(
        "Address or place", 300, description="For example, the street and the nearest house number"
    )
    postcode = _text("Postcode (optional)", 20)
    uprn = _text(
        "UPRN (optional)",
        12,
        "The UPRN must be 12 digits or fewer",
        description="The Unique Property Reference Number, up to 12 digits",
    )
    latitude = _text("Latitude", 20, description="For example, 51.4463")
    longitude = _text("Longitude", 20, description="For example, 0.2176")
    easting = _text("Easting", 20, description="For example, 554203")
    northing = _text("Northing", 20, description="For example, 174256")

    # Flytipping details
    size = RadioField("Size", choices=_choices(FLYTIP_SIZES), validate_choice=False, widget=GovRadioInput())
    land_type = SelectField(
        "Land type",
        choices=_choices([("", "Select the land type"), *LAND_TYPES]),
        validate_choice=False,
        widget=GovSelect(),
    )
    waste_types = SelectMultipleField(
        "Waste types",
        choices=_choices(WASTE_TYPES),
        validate_choice=False,
        widget=GovCheckboxesInput(),
        description="Select all that apply",
    )
    evidence_found = RadioField(
        "Was any evidence found?",
        choices=_choices(YES_NO),
        validate_choice=False,
        widget=GovRadioInput(),
        description="For example, letters or parcels with a name or address",
    )
    evidence_description = TextAreaField(
        "What evidence was found?",
        widget=GovTextArea(),
        validators=[Length(max=2000, message="The evidence description must be 2,000 characters or fewer")],
    )
    clearance_requested_on = GovDateField(
        "Clearance requested (optional)",
        name_in_errors="The clearance request date",
        description="The date clearance was asked for, for example 27 3 2026",
    )

    # Reporter
    first_name = _text("First name", 100)
    last_name = _text("Last name", 100)
    phone = _text("Phone number", 40, "The phone number must be 40 characters or fewer")
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[
            Optional(),
            Length(max=254, message="The email address must be 254 characters or fewer"),
            Email(message="Enter an email address like name@example.com", check_deliverability=False),
        ],
    )

    # Photos and documents
    photos = MultipleFileField(
        "Photos or documents (optional)",
        widget=GovFileInput(multiple=True),
    )
    pending = HiddenField()  # the token of photos held from an earlier submission (see pending_files)
    keep_pending = SelectMultipleField(
        "Photos already added", validate_choice=False, widget=GovCheckboxesInput()
    )

    # Repeat reports
    decision = RadioField("Is this the same problem?", validate_choice=False, widget=GovRadioInput())
    repeat_checked = HiddenField()  # "1" once the page has shown the open cases nearby

    submit = SubmitField("Save", widget=GovSubmitInput())

    # Filled by validate()
    case_type: CaseType | None = None
    ward: Ward | None = None
    point: Point | None = None
    postcode_value: str | None = None
    occurred_at: datetime | None = None

    def __init__(self, user: User, now: datetime, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.now = now
        self.type_groups, self._types = _type_choices()
        self.ward_groups, self._wards = _ward_choices(user)
        limit_mb = current_app.config.get("EVIDENCE_MAX_BYTES", MAX_BYTES_DEFAULT) / (1024 * 1024)
        self.photos.description = f"Photos (JPEG, PNG or WebP) or PDF documents, up to {limit_mb:g} MB each"
        self.case_type_id.choices = _choices(pair for _, items in self.type_groups for pair in items)
        self.ward_id.choices = _choices(pair for _, items in self.ward_groups for pair in items)
        if not self.is_submitted():
            self.occurred_on.data = now.astimezone(LONDON).date()
            if len(self._wards) == 1:
                self.ward_id.data = next(iter(self._wards))

    # ---- checks --------------------------------------------------------------------------------

    def validate(self, extra_validators=None) -> bool:
        """Field checks, then the checks that read several fields together."""
        valid = super().validate(extra_validators)
        self._check_what()
        self._check_where()
        if self.case_type is not None and self.case_type.is_flytipping:
            self._check_flytip()
        self._check_reporter()
        return valid and not self.errors

    @staticmethod
    def _error(field: Field, message: str) -> None:
        """Add a message to a field, unless it already has one (the page shows the first)."""
        if not field.errors:
            field.errors = [message]

    def _check_what(self) -> None:
        self.case_type = self._types.get(self.case_type_id.data or "")
        if self.case_type is None:
            self._error(self.case_type_id, "Select the type of problem")
        if self.channel.data not in dict(REPORT_CHANNELS):
            self._error(self.channel, "Select how the problem was reported")
        self.occurred_at = self._when()

    def _when(self) -> datetime | None:
        day = self.occurred_on.data
        if self.occurred_on.errors:
            return None
        if day is None:
            self._error(self.occurred_on, "Enter the date it happened")
            return None
        today = self.now.astimezone(LONDON).date()
        if day > today:
            self._error(self.occurred_on, "The date it happened must be today or in the past")
            return None
        if day < EARLIEST_DATE:
            self._error(self.occurred_on, "The date it happened must be 1 1 2000 or later")
            return None
        at = self._time_of_day()
        if at is None:
            if self.occurred_time.errors:
                return None
            # No time given: today means "just now"; an earlier day is recorded from its start.
            local = self.now.astimezone(LONDON) if day == today else datetime.combine(day, time(0), LONDON)
        else:
            local = datetime.combine(day, at, LONDON)
            if local.astimezone(UTC) > self.now:
                self._error(self.occurred_time, "The time it happened must be in the past")
                return None
        return local.astimezone(UTC).replace(second=0, microsecond=0)

    def _time_of_day(self) -> time | None:
        raw = (self.occurred_time.data or "").strip()
        if not raw or self.occurred_time.errors:
            return None
        match = TIME_RE.match(raw)
        hour = int(match.group(1)) if match else -1
        minute = int(match.group(2) or 0) if match else -1
        suffix = (match.group(3) or "").lower() if match else ""
        if suffix:
            hour = -1 if not 1 <= hour <= 12 else hour % 12 + (12 if suffix == "pm" else 0)
        if not (0 <= hour <= 23 and 0 <= minute <= 59) or (match and not match.group(2) and not suffix):
            self._error(self.occurred_time, "Enter a real time, like 14:30")
            return None
        return time(hour, minute)

    def _check_where(self) -> None:
        self.ward = self._wards.get(self.ward_id.data or "")
        if self.ward is None:
            self._error(self.ward_id, self._ward_problem())
        try:
            self.postcode_value = normalise_postcode(self.postcode.data)
        except LocationError as error:
            self._error(self.postcode, error.message)
        uprn = (self.uprn.data or "").strip()
        if uprn and not uprn.isdigit():
            self._error(self.uprn, "The UPRN must be digits only, up to 12")
        self.point = self._point()

    def _ward_problem(self) -> str:
        raw = (self.ward_id.data or "").strip()
        if raw.isdigit() and len(raw) < 10 and db.session.get(Ward, int(raw)) is not None:
            return "Select a ward in your borough"
        return "Select the ward"

    def _number(self, field: Field, example: str) -> float | None:
        raw = (field.data or "").strip()
        if not raw or field.errors:
            return None
        if not NUMBER_RE.match(raw):
            self._error(field, f"{field.label.text} must be a number, like {example}")
            return None
        value = float(raw)
        return value if math.isfinite(value) else None

    def _point(self) -> Point | None:
        values = (
            self._number(self.latitude, "51.4463"),
            self._number(self.longitude, "0.2176"),
            self._number(self.easting, "554203"),
            self._number(self.northing, "174256"),
        )
        if any(f.errors for f in (self.latitude, self.longitude, self.easting, self.northing)):
            return None
        try:
            point = resolve_point(*values)
            if point is not None and values[2] is not None and values[0] is not None:
                _check_pairs_agree(point, values[2], values[3])
        except LocationError as error:
            self._error(getattr(self, error.field), error.message)
            return None
        return point

    def _check_flytip(self) -> None:
        if self.size.data not in dict(FLYTIP_SIZES):
            self._error(self.size, "Select the size of the flytip")
        if self.land_type.data not in dict(LAND_TYPES):
            self._error(self.land_type, "Select the land type")
        waste = self.waste_types.data or []
        if not waste or not set(waste) <= set(dict(WASTE_TYPES)):
            self._error(self.waste_types, "Select at least one type of waste")
        if self.evidence_found.data not in ("yes", "no"):
            self._error(self.evidence_found, "Select yes if any evidence was found")
        elif self.evidence_found.data == "yes" and not (self.evidence_description.data or "").strip():
            self._error(self.evidence_description, "Describe the evidence that was found")
        requested = self.clearance_requested_on.data
        if requested is not None and not EARLIEST_DATE <= requested <= self.now.astimezone(LONDON).date():
            self._error(
                self.clearance_requested_on, "The clearance request date must be today or in the past"
            )

    def _check_reporter(self) -> None:
        phone = (self.phone.data or "").strip()
        if phone and not self.phone.errors and not PHONE_RE.match(phone):
            self._error(self.phone, "Enter a phone number, like 01322 343434 or 07700 900982")

    def check_location_given(self, photos: list[CheckedFile]) -> bool:
        """A report needs somewhere: an address, a postcode, coordinates or a photo that knows where."""
        if self.point is None:
            self.point = _photo_point(photos)
        if (self.address.data or "").strip() or self.postcode_value or self.point is not None:
            return True
        if self.postcode.errors or any(
            f.errors for f in (self.latitude, self.longitude, self.easting, self.northing)
        ):
            return False
        self._error(self.address, "Enter the address or postcode, or the coordinates of the problem")
        return False

    # ---- result --------------------------------------------------------------------------------

    def incident_input(self, photos: list[CheckedFile]) -> IncidentInput:
        """The checked form as the services' input (call after validate and check_location_given)."""
        assert self.ward is not None and self.case_type is not None
        point = self.point
        return IncidentInput(
            channel=self.channel.data,
            ward_id=self.ward.id,
            occurred_at=self.occurred_at,
            description=(self.description.data or "").strip(),
            address=(self.address.data or "").strip(),
            postcode=self.postcode_value,
            uprn=(self.uprn.data or "").strip() or None,
            latitude=point.latitude if point else None,
            longitude=point.longitude if point else None,
            easting=point.easting if point else None,
            northing=point.northing if point else None,
            flytip=self._flytip_input() if self.case_type.is_flytipping else None,
            reporter=PersonInput(
                first_name=(self.first_name.data or "").strip(),
                last_name=(self.last_name.data or "").strip(),
                phone=(self.phone.data or "").strip(),
                email=(self.email.data or "").strip(),
            ),
            photos=photos,
        )

    def _flytip_input(self) -> FlytipInput:
        found = self.evidence_found.data == "yes"
        return FlytipInput(
            size=self.size.data,
            land_type=self.land_type.data,
            waste_types=list(self.waste_types.data or []),
            evidence_found=found,
            evidence_description=(self.evidence_description.data or "").strip() if found else "",
            clearance_requested_on=self.clearance_requested_on.data,
        )

    @property
    def coordinates_given(self) -> bool:
        return any(
            (f.data or "").strip() or f.errors
            for f in (self.latitude, self.longitude, self.easting, self.northing)
        )


def _type_choices() -> tuple[Groups, dict[str, CaseType]]:
    """Active case types in their order, grouped (flytipping, other environmental, ASB)."""
    types = list(
        db.session.scalars(
            select(CaseType).where(CaseType.active.is_(True)).order_by(CaseType.sort_order, CaseType.name)
        )
    )
    group_labels = dict(TYPE_GROUPS)
    group_rank = {code: rank for rank, (code, _) in enumerate(TYPE_GROUPS)}
    types.sort(key=lambda t: (group_rank.get(t.group, len(group_rank)), t.sort_order, t.name))
    groups: Groups = [
        (group_labels.get(group, group.title()), [(str(t.id), t.name) for t in items])
        for group, items in groupby(types, key=lambda t: t.group)
    ]
    return groups, {str(t.id): t for t in types}


def _ward_choices(user: User) -> tuple[Groups, dict[str, Ward]]:
    """The wards this user may log in: their borough's, or every borough's (grouped) for partnership staff."""
    query = select(Ward).join(Borough).order_by(Borough.name, Ward.name)
    if user.borough_id is not None:
        query = query.where(Ward.borough_id == user.borough_id)
    wards = list(db.session.scalars(query))
    if user.borough_id is not None:
        groups: Groups = [(None, [(str(w.id), w.name) for w in wards])]
    else:
        groups = [
            (borough_name, [(str(w.id), w.name) for w in items])
            for borough_name, items in groupby(wards, key=lambda w: w.borough.name)
        ]
    return groups, {str(w.id): w for w in wards}


def _check_pairs_agree(point: Point, easting: float, northing: float | None) -> None:
    """Both pairs given: they must be the same place, or the officer must choose one."""
    if (
        northing is not None
        and distance_m((point.easting, point.northing), (round(easting), round(northing))) > 100
    ):
        raise LocationError(
            "The easting and northing are not the same place as the latitude and longitude: "
            "enter one pair only",
            "easting",
        )


def _photo_point(photos: list[CheckedFile]) -> Point | None:
    """Where the first photo carrying a GPS position in Great Britain was taken."""
    for photo in photos:
        if photo.latitude is None or photo.longitude is None:
            continue
        try:
            return resolve_point(photo.latitude, photo.longitude, None, None)
        except LocationError:
            continue  # a photo taken outside Great Britain says nothing about this incident
    return None
