"""Open311 GeoReport v2 endpoints under /open311/v2/, with mySociety's service request updates.

The API is public in the access sense (anyone may call it) and exempt from CSRF: no browser session
is involved, and posting needs the client's api_key, which the views check themselves. Every answer,
errors included, is in the specification's XML or JSON, chosen by the extension.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import current_app, jsonify, request
from flask.typing import ResponseReturnValue
from flask_limiter import RateLimitExceeded
from werkzeug.exceptions import HTTPException

import casework.api.open311.admin  # noqa: F401 - registers the admin pages on the blueprint
from casework.access import public
from casework.api.open311 import catalogue, queries, services
from casework.api.open311.blueprint import bp
from casework.api.open311.formats import (
    FORMATS,
    Open311Error,
    clean_text,
    error_response,
    parse_datetime,
    respond,
)
from casework.api.open311.openapi import openapi_document
from casework.api.open311.parsing import (
    FORM_TYPES,
    check_form_body,
    media_url_field,
    parse_report,
    text_field,
)
from casework.db_types import utcnow
from casework.errors import handle_http_error, handle_rate_limited
from casework.extensions import client_address, csrf, limiter

API = "/open311/v2"

__all__ = ["bp"]


def _rate_limit() -> str:
    return current_app.config["OPEN311_RATE_LIMIT"]


def _rate_key() -> str:
    """Requests are counted per API key when one is given (hashed), else per address."""
    raw = request.args.get("api_key")
    if request.method == "POST" and request.mimetype in FORM_TYPES:
        raw = request.form.get("api_key") or raw
    if raw:
        return "open311-key:" + services.key_hash(raw)
    return "open311-address:" + client_address()


open311_limit = limiter.shared_limit(_rate_limit, scope="open311", key_func=_rate_key)


def _format_of_path() -> str:
    return "json" if request.path.endswith(".json") else "xml"


def api(view: Callable[..., ResponseReturnValue]) -> Callable[..., ResponseReturnValue]:
    """An API view: CSRF-exempt, rate-limited, its format checked, and its errors in Open311's format."""

    @wraps(view)
    def wrapper(*args, **kwargs) -> ResponseReturnValue:
        fmt = kwargs.get("fmt", "xml")
        try:
            if fmt not in FORMATS:
                raise Open311Error(404, "The format must be xml or json")
            return view(*args, **kwargs)
        except Open311Error as error:
            return error_response(fmt if fmt in FORMATS else "xml", error)

    return csrf.exempt(open311_limit(wrapper))


def _is_api_request() -> bool:
    return request.path.startswith(API + "/")


@bp.errorhandler(RateLimitExceeded)
def rate_limited(error: RateLimitExceeded) -> ResponseReturnValue:
    if not _is_api_request():
        return handle_rate_limited(error)
    message = f"Too many requests for this api_key: the limit is {error.limit.limit}"
    return error_response(_format_of_path(), Open311Error(429, message))


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException) -> ResponseReturnValue:
    """Errors raised outside a view's own checks (a body too large, a bad method) in Open311's format."""
    if not _is_api_request():
        return handle_http_error(error)
    return error_response(_format_of_path(), Open311Error(error.code or 400, error.description or error.name))


# ---- services ------------------------------------------------------------------------------------


@bp.route(f"{API}/services.<fmt>")
@public
@api
def services_list(fmt: str) -> ResponseReturnValue:
    entries = [catalogue.service_entry(case_type) for case_type in catalogue.active_services()]
    return respond(fmt, "services", entries)


@bp.route(f"{API}/services/<service_code>.<fmt>")
@public
@api
def service_definition(service_code: str, fmt: str) -> ResponseReturnValue:
    case_type = catalogue.service_by_code(clean_text(service_code))
    if case_type is None:
        raise Open311Error(404, f"service_code {service_code[:40]!r} is not a service we offer")
    return respond(fmt, "service_definition", catalogue.definition_entry(case_type))


# ---- requests ------------------------------------------------------------------------------------


@bp.route(f"{API}/requests.<fmt>", methods=["POST"])
@public
@api
def post_request(fmt: str) -> ResponseReturnValue:
    form = check_form_body(request)
    now = utcnow()
    client = services.client_for_key(text_field(form, "api_key", 200), now)
    report = parse_report(form, request.files)
    received = services.submit_request(client, report, now)
    notice = "Added to an open report of the same problem nearby." if received.joined_existing else ""
    body = [{"service_request_id": received.request.service_request_id, "service_notice": notice}]
    return respond(fmt, "service_requests", body)


def _arg(name: str, limit: int) -> str:
    """A query parameter, cut to size and without characters no database or XML can hold."""
    return clean_text(request.args.get(name, "")[:limit])


def _optional_date(name: str):
    raw = _arg(name, 50)
    return parse_datetime(raw, name) if raw.strip() else None


@bp.route(f"{API}/requests.<fmt>", methods=["GET"])
@public
@api
def get_requests(fmt: str) -> ResponseReturnValue:
    wanted = queries.build_filter(
        ids=_arg("service_request_id", 5000),
        service_code=_arg("service_code", 40),
        start=_optional_date("start_date"),
        end=_optional_date("end_date"),
        status=_arg("status", 100),
        now=utcnow(),
    )
    return respond(fmt, "service_requests", queries.request_entries(queries.find_requests(wanted)))


@bp.route(f"{API}/requests/<service_request_id>.<fmt>")
@public
@api
def get_request(service_request_id: str, fmt: str) -> ResponseReturnValue:
    found = queries.request_by_id(clean_text(service_request_id))
    if found is None:
        raise Open311Error(404, f"service_request_id {service_request_id[:40]!r} was not found")
    return respond(fmt, "service_requests", queries.request_entries([found]))


# ---- mySociety's updates -------------------------------------------------------------------------


@bp.route(f"{API}/servicerequestupdates.<fmt>", methods=["GET"])
@public
@api
def get_updates(fmt: str) -> ResponseReturnValue:
    now = utcnow()
    client = services.client_for_key(request.args.get("api_key", "")[:300], now)
    entries = queries.update_entries(client, _optional_date("start_date"), _optional_date("end_date"), now)
    return respond(fmt, "service_request_updates", entries)


@bp.route(f"{API}/servicerequestupdates.<fmt>", methods=["POST"])
@public
@api
def post_update(fmt: str) -> ResponseReturnValue:
    form = check_form_body(request)
    client = services.client_for_key(text_field(form, "api_key", 200), utcnow())
    data = services.CitizenUpdateInput(
        service_request_id=text_field(form, "service_request_id"),
        update_id=text_field(form, "update_id") or text_field(form, "update_id_ext", 64),
        description=text_field(form, "description", 4000),
        status=text_field(form, "status", 40),
        first_name=text_field(form, "first_name"),
        last_name=text_field(form, "last_name"),
        media_url=media_url_field(form),
    )
    for name in ("service_request_id", "update_id", "description"):
        if not getattr(data, name):
            raise Open311Error(400, f"{name} is required")
    updated = text_field(form, "updated_datetime", 50)
    if updated:
        parse_datetime(updated, "updated_datetime")  # checked, not kept: the note is dated on arrival
    update = services.add_citizen_update(client, data)
    return respond(fmt, "service_request_updates", [{"update_id": f"citizen-{update.id}"}])


# ---- description and everything else -------------------------------------------------------------


@bp.route(f"{API}/openapi.json")
@public
@csrf.exempt
def openapi() -> ResponseReturnValue:
    base = current_app.config["SERVER_NAME_FOR_LINKS"].rstrip("/") + API
    return jsonify(openapi_document(base))


@bp.route(f"{API}/", defaults={"rest": ""}, methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
@bp.route(f"{API}/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
@public
@csrf.exempt
def not_found(rest: str) -> ResponseReturnValue:
    message = (
        "Not found: the endpoints are services, services/{code}, requests, requests/{id} and "
        "servicerequestupdates, each ending .xml or .json"
    )
    return error_response(_format_of_path(), Open311Error(404, message))
