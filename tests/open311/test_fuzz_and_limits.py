"""No input makes POST requests fail with a 500; requests are rate-limited per key."""

from __future__ import annotations

from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from casework.cases.models import Case
from casework.extensions import db
from tests.open311.builders import make_client, make_world, post_form
from tests.open311.fms import fms_report, xml_in

FIELDS = (
    "api_key", "service_code", "lat", "long", "address_string", "description", "email", "first_name",
    "last_name", "phone", "media_url", "attribute[size]", "attribute[waste]", "attribute[waste][]",
    "attribute[land_type]", "attribute[x", "jurisdiction_id", "photo1",
)  # fmt: skip
VALUES = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["51.4463", "0.2176", "nan", "inf", "-0", "1e308", "small_van", "green", "flytipping",
                     "graffiti", "DA1 1DR", "", " ", "\x00", "x" * 5000]),
    st.floats(allow_nan=True).map(str),
)  # fmt: skip


def test_fuzzed_reports_never_cause_a_server_error(app):
    world = make_world()
    app.config["OPEN311_RATE_LIMIT"] = "100000 per minute"
    http = app.test_client()

    @settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        fields=st.lists(st.tuples(st.sampled_from(FIELDS), VALUES), max_size=12),
        keep_key=st.booleans(),
        multipart=st.booleans(),
    )
    def check(fields, keep_key, multipart):
        if keep_key:
            fields = [("api_key", world.key), *fields]
        if multipart:
            data: dict = {}
            for key, value in fields:
                data.setdefault(key, []).append(value)
            response = http.post("/open311/v2/requests.xml", data=data, content_type="multipart/form-data")
        else:
            response = post_form(http, "/open311/v2/requests.xml", fields)
        assert response.status_code in (200, 400, 403, 404), response.get_data(as_text=True)[:300]
        parsed = xml_in(response.get_data(as_text=True))  # always well-formed XML
        assert ("request" in parsed) == (response.status_code == 200)

    check()


def test_fuzzed_full_reports_never_cause_a_server_error(app):
    world = make_world()
    app.config["OPEN311_RATE_LIMIT"] = "100000 per minute"
    http = app.test_client()

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        field=st.sampled_from(FIELDS[1:]),
        value=VALUES,
        raw_body=st.binary(max_size=200),
    )
    def check(field, value, raw_body):
        response = post_form(http, "/open311/v2/requests.xml", fms_report(world.key, **{field: value}))
        assert response.status_code in (200, 400, 404), response.get_data(as_text=True)[:300]
        xml_in(response.get_data(as_text=True))
        broken = http.post(
            "/open311/v2/requests.xml", data=raw_body, content_type="multipart/form-data; boundary=b0undary"
        )
        assert broken.status_code in (400, 403), broken.get_data(as_text=True)[:300]

    check()
    assert db.session.scalar(select(func.count()).select_from(Case)) >= 2


def test_requests_are_limited_per_key(app, client):
    world = make_world()
    app.config["OPEN311_RATE_LIMIT"] = "2 per minute"
    url = "/open311/v2/requests.xml"
    assert post_form(client, url, fms_report(world.key)).status_code == 200
    assert post_form(client, url, fms_report(world.key, lat="51.4480", long="0.2150")).status_code == 200
    limited = post_form(client, url, fms_report(world.key))
    assert limited.status_code == 429
    assert xml_in(limited.get_data(as_text=True))["error"][0]["code"] == "429"
    _, other = make_client("Council website", "web_form")
    assert post_form(client, url, fms_report(other, lat="51.4490", long="0.2140")).status_code == 200


def test_fuzzed_reads_never_cause_a_server_error(app):
    world = make_world()
    app.config["OPEN311_RATE_LIMIT"] = "100000 per minute"
    http = app.test_client()
    post_form(http, "/open311/v2/requests.xml", fms_report(world.key))

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        params=st.dictionaries(
            st.sampled_from(
                ["service_request_id", "service_code", "start_date", "end_date", "status", "api_key"]
            ),
            VALUES,
            max_size=4,
        ),
        path_part=st.text(min_size=1, max_size=30).filter(lambda text: "/" not in text and "." not in text),
    )
    def check(params, path_part):
        path_part = quote(path_part, safe="")
        for url in (
            "/open311/v2/requests.xml",
            "/open311/v2/servicerequestupdates.xml",
            f"/open311/v2/requests/{path_part}.xml",
            f"/open311/v2/services/{path_part}.xml",
        ):
            response = http.get(url, query_string=params)
            assert response.status_code in (200, 400, 403, 404), (url, response.get_data(as_text=True)[:300])
            xml_in(response.get_data(as_text=True))

    check()
