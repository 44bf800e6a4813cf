"""Finding cases: "My cases", the case queue with bulk assignment, its CSV export, search and people."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from urllib.parse import parse_qsl

from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from casework.access import allow
from casework.auth.models import User
from casework.auth.roles import Role
from casework.cases import queries, services, workflow
from casework.cases.categories import PARTY_ROLES, VULNERABILITIES, label
from casework.cases.forms_queue import BulkAssignForm, QueueFilterForm, SearchForm
from casework.cases.views import bp
from casework.db_types import utcnow
from casework.extensions import db
from casework.formatting import london

STAFF = (Role.OFFICER, Role.MANAGER)


def _user() -> User:
    return current_user._get_current_object()


@bp.app_template_global("queue_home_figures")
def home_figures() -> dict:
    """Figures for the officer's and manager's home pages, in the signed-in user's scope."""
    user = _user()
    if user.role_enum not in STAFF:
        return {}
    return {
        "my_count": queries.my_open_count(user),
        "my_cases": queries.my_open_cases(user, limit=5),
        "counts": queries.state_counts(user, queries.QueueFilter()),
        "unassigned": queries.open_unassigned_count(user),
    }


# A global rather than context, so that macros imported without context can read it.
bp.add_app_template_global(workflow.STATE_BY_CODE, "workflow_states")  # type: ignore[arg-type]


# ---- my cases ----------------------------------------------------------------------------------


@bp.route("/cases/mine")
@allow(*STAFF)
def mine():
    user = _user()
    cases = queries.my_open_cases(user)
    return render_template("cases/mine.html", cases=cases, total=queries.my_open_count(user))


# ---- the queue ---------------------------------------------------------------------------------


def _render_queue(args: MultiDict, assign_form: BulkAssignForm | None = None):
    user = _user()
    choices = queries.filter_choices(user)
    current, problems = queries.parse_filter(args, choices)
    page = queries.queue_page(user, current, now=utcnow())
    if assign_form is None and user.role_enum == Role.MANAGER:
        assign_form = BulkAssignForm(formdata=None, back=_query_string(current))
    if assign_form is not None:
        assign_form.set_officers(choices.officers)
    return render_template(
        "cases/queue.html",
        filters=QueueFilterForm.for_filter(current, choices),
        current=current,
        problems=problems,
        page=page,
        pagination=_pagination(current, page),
        form=assign_form,
        selected=set(assign_form.case_ids.data or []) if assign_form is not None else set(),
        export_href=url_for("cases.export_csv", **current.to_args(page=1)),
        show_borough=choices.partnership_wide,
    )


def _query_string(current: queries.QueueFilter) -> str:
    return url_for("cases.queue", **current.to_args()).partition("?")[2]


def _pagination(current: queries.QueueFilter, page: queries.QueuePage) -> dict | None:
    if page.pages <= 1:
        return None

    def href(number: int) -> str:
        return url_for("cases.queue", **current.to_args(page=number))

    items = [
        {"ellipsis": True} if n is None else {"number": n, "href": href(n), "current": n == page.page}
        for n in queries.page_numbers(page.page, page.pages)
    ]
    return {
        "items": items,
        "previous": {"href": href(page.page - 1)} if page.page > 1 else None,
        "next": {"href": href(page.page + 1)} if page.page < page.pages else None,
    }


@bp.route("/cases")
@allow(*STAFF)
def queue():
    return _render_queue(request.args)


@bp.route("/cases/assign", methods=["POST"])
@allow(Role.MANAGER)
def bulk_assign():
    form = BulkAssignForm()
    user = _user()
    choices = queries.filter_choices(user)
    form.set_officers(choices.officers)
    back = MultiDict(parse_qsl(form.back.data or ""))
    if form.validate_on_submit():
        officer = db.session.get(User, int(form.officer.data))
        try:
            cases = services.bulk_assign(user, form.case_ids.data, officer)
        except services.CaseError as error:  # bulk_assign is all or none: it has undone any part
            (getattr(form, error.field or "", None) or form.case_ids).errors.append(error.message)
        else:
            noun = "case" if len(cases) == 1 else "cases"
            flash(f"{len(cases)} {noun} assigned to {officer.name}", "success")
            current, _ = queries.parse_filter(back, choices)
            return redirect(url_for("cases.queue", **current.to_args()))
    return _render_queue(back, form)


# ---- CSV export --------------------------------------------------------------------------------


def _csv_text(rows: Iterable[list[str]], batch: int = 200) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")  # so spreadsheet programs read the file as UTF-8 (£, accents)
    for number, row in enumerate(rows, start=1):
        writer.writerow(row)
        if number % batch == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


@bp.route("/cases/export.csv")
@allow(*STAFF)
def export_csv():
    user = _user()
    current, _ = queries.parse_filter(request.args, queries.filter_choices(user))
    now = utcnow()
    filename = f"cases-{london(now):%Y-%m-%d}.csv"
    return Response(
        stream_with_context(_csv_text(queries.export_rows(user, current, now=now))),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


# ---- search and people -------------------------------------------------------------------------


@bp.route("/search")
@allow(*STAFF)
def search():
    form = SearchForm(formdata=request.args)
    results = None
    if form.q.data and form.q.data.strip() and form.validate():
        user = _user()
        exact = queries.exact_reference(user, form.q.data)
        if exact is not None:
            return redirect(url_for("cases.view", reference=exact.reference))
        results = queries.search(user, form.q.data)
    return render_template("cases/search.html", form=form, results=results)


@bp.route("/people/<int:person_id>")
@allow(*STAFF)
def person(person_id: int):
    found = queries.person_parts(_user(), person_id)
    if found is None:
        abort(404)
    person, parts = found
    return render_template(
        "cases/person.html",
        person=person,
        parts=parts,
        roles=dict(PARTY_ROLES),
        vulnerabilities=[label(VULNERABILITIES, code) for code in person.vulnerabilities or []],
    )
