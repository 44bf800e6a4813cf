"""An OpenAPI 3.0 description of the Open311 endpoint, for the council's web team (no secrets in it)."""

from __future__ import annotations

from casework.api.open311.parsing import DESCRIPTION_MAX, MAX_PHOTOS
from casework.api.open311.statuses import BY_OUTCOME, BY_STATE, CLEARED, CLOSED, REOPENED

FMT = {"name": "fmt", "in": "path", "required": True, "schema": {"type": "string", "enum": ["xml", "json"]}}
KEY_QUERY = {"name": "api_key", "in": "query", "required": True, "schema": {"type": "string"}}
ERRORS = {
    code: {
        "description": text,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Errors"}},
            "text/xml": {"schema": {"$ref": "#/components/schemas/Errors"}},
        },
    }
    for code, text in (
        ("400", "Bad input: the description says which field and why"),
        ("403", "api_key missing, not valid or revoked"),
        ("404", "Unknown service_code or service_request_id"),
        ("429", "Too many requests for this api_key"),
    )
}


def _ok(schema: str, description: str) -> dict:
    content = {"$ref": f"#/components/schemas/{schema}"}
    return {
        "200": {
            "description": description,
            "content": {"application/json": {"schema": content}, "text/xml": {"schema": content}},
        },
        **ERRORS,
    }


def _date(name: str, text: str) -> dict:
    return {
        "name": name,
        "in": "query",
        "schema": {"type": "string", "format": "date-time"},
        "description": text,
    }


def _report_body() -> dict:
    properties = {
        "api_key": {"type": "string"},
        "service_code": {"type": "string"},
        "lat": {"type": "number", "description": "WGS84; with long"},
        "long": {"type": "number", "description": "WGS84; with lat"},
        "address_string": {
            "type": "string",
            "maxLength": 300,
            "description": "Used when lat/long are absent; "
            "must contain a full postcode in the partnership's area",
        },
        "email": {"type": "string"},
        "first_name": {"type": "string"},
        "last_name": {"type": "string"},
        "phone": {"type": "string"},
        "description": {"type": "string", "maxLength": DESCRIPTION_MAX},
        "media_url": {"type": "string", "description": "Kept as a link; never fetched"},
        "attribute[size]": {"type": "string"},
        "attribute[waste]": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Repeat the key, or use attribute[waste][]",
        },
        "attribute[land_type]": {"type": "string"},
    }
    photos = {f"photo{n}": {"type": "string", "format": "binary"} for n in range(1, MAX_PHOTOS + 1)}
    required = ["api_key", "service_code"]
    return {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {"type": "object", "properties": properties, "required": required}
            },
            "multipart/form-data": {
                "schema": {"type": "object", "properties": {**properties, **photos}, "required": required}
            },
        },
    }


def _statuses() -> list[str]:
    every = [s.status for s in (*BY_STATE.values(), *BY_OUTCOME.values(), CLEARED, CLOSED, REOPENED)]
    return sorted(set(every))


def openapi_document(server: str) -> dict:
    """The description, with `server` as the base address."""
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Open311 GeoReport v2 with mySociety's service request updates",
            "version": "2",
            "description": "Reports of flytipping, environmental crime and anti-social behaviour. "
            "Posting needs an api_key issued by the council's administrators. Times are ISO 8601 "
            "with a zone. The extension .xml or .json chooses the format.",
        },
        "servers": [{"url": server}],
        "paths": {
            "/services.{fmt}": {
                "get": {
                    "summary": "The services (report categories)",
                    "parameters": [FMT],
                    "responses": _ok("Services", "The services"),
                }
            },
            "/services/{service_code}.{fmt}": {
                "get": {
                    "summary": "A service's attributes",
                    "parameters": [
                        {
                            "name": "service_code",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                        FMT,
                    ],
                    "responses": _ok("ServiceDefinition", "The service definition"),
                }
            },
            "/requests.{fmt}": {
                "post": {
                    "summary": "Report a problem",
                    "parameters": [FMT],
                    "requestBody": _report_body(),
                    "responses": _ok("ServiceRequests", "The new service_request_id"),
                },
                "get": {
                    "summary": "Public requests",
                    "parameters": [
                        FMT,
                        {
                            "name": "service_request_id",
                            "in": "query",
                            "schema": {"type": "string"},
                            "description": "Comma-separated ids; the other filters are then ignored",
                        },
                        {"name": "service_code", "in": "query", "schema": {"type": "string"}},
                        _date("start_date", "Default: 90 days before end_date"),
                        _date("end_date", "Default: now; the range spans at most 90 days"),
                        {
                            "name": "status",
                            "in": "query",
                            "schema": {"type": "string"},
                            "description": "open, closed or open,closed",
                        },
                    ],
                    "responses": _ok("ServiceRequests", "At most 1000 requests, newest first"),
                },
            },
            "/requests/{service_request_id}.{fmt}": {
                "get": {
                    "summary": "One public request",
                    "parameters": [
                        {
                            "name": "service_request_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                        FMT,
                    ],
                    "responses": _ok("ServiceRequests", "The request"),
                }
            },
            "/servicerequestupdates.{fmt}": {
                "get": {
                    "summary": "Status updates on your requests (mySociety)",
                    "parameters": [
                        FMT,
                        KEY_QUERY,
                        _date("start_date", "Default: 90 days before end_date"),
                        _date("end_date", "Default: now"),
                    ],
                    "responses": _ok("Updates", "At most 1000 updates, oldest first"),
                },
                "post": {
                    "summary": "A citizen's update on a request, kept as a note (idempotent on update_id)",
                    "parameters": [FMT],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/x-www-form-urlencoded": {
                                "schema": {
                                    "type": "object",
                                    "required": ["api_key", "service_request_id", "update_id", "description"],
                                    "properties": {
                                        name: {"type": "string"}
                                        for name in (
                                            "api_key",
                                            "service_request_id",
                                            "update_id",
                                            "description",
                                            "status",
                                            "updated_datetime",
                                            "first_name",
                                            "last_name",
                                            "email",
                                            "media_url",
                                        )
                                    },
                                }
                            }
                        },
                    },
                    "responses": _ok("Updates", "The update's id"),
                },
            },
        },
        "components": {
            "schemas": {
                "Errors": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {"code": {"type": "integer"}, "description": {"type": "string"}},
                    },
                },
                "Services": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            name: {"type": "boolean" if name == "metadata" else "string"}
                            for name in (
                                "service_code",
                                "service_name",
                                "description",
                                "metadata",
                                "type",
                                "keywords",
                                "group",
                            )
                        },
                    },
                },
                "ServiceDefinition": {
                    "type": "object",
                    "properties": {
                        "service_code": {"type": "string"},
                        "attributes": {"type": "array", "items": {"type": "object"}},
                    },
                },
                "ServiceRequests": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            name: {"type": "string"}
                            for name in (
                                "service_request_id",
                                "status",
                                "status_notes",
                                "service_name",
                                "service_code",
                                "description",
                                "agency_responsible",
                                "service_notice",
                                "requested_datetime",
                                "updated_datetime",
                                "address",
                                "zipcode",
                                "lat",
                                "long",
                                "media_url",
                            )
                        },
                    },
                },
                "Updates": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "update_id": {"type": "string"},
                            "service_request_id": {"type": "string"},
                            "status": {"type": "string", "enum": _statuses()},
                            "updated_datetime": {"type": "string", "format": "date-time"},
                            "description": {"type": "string"},
                            "media_url": {"type": "string"},
                            "external_status_code": {"type": "string"},
                        },
                    },
                },
            }
        },
    }
