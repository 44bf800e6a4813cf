"""The issue's "done when", as a new user would try it, through the real pages and the real endpoint."""

from __future__ import annotations

import io
import re

from sqlalchemy import select

from casework.api.open311.models import Open311Client
from casework.auth.roles import Role
from casework.cases.models import Case
from casework.db_types import utcnow
from casework.extensions import db
from tests.builders import make_user
from tests.cases.case_page_helpers import as_user, image_bytes, post
from tests.conftest import csrf_token
from tests.open311.builders import make_world
from tests.open311.fms import fms_report, xml_in

KEY_RE = re.compile(r'id="api-key">([^<]+)</code>')


def test_admin_key_report_with_photo_triage_clearance_and_fixed_update(app):
    world = make_world()
    admin_browser = as_user(app.test_client(), make_user(Role.ADMIN))
    fixmystreet = app.test_client()
    officer_browser = as_user(app.test_client(), world.officer)

    # An admin issues a key to the FixMyStreet client.
    client_id = db.session.scalar(select(Open311Client.id).where(Open311Client.name == "FixMyStreet"))
    token = csrf_token(admin_browser, "/admin/open311")
    issued = admin_browser.post(f"/admin/open311/{client_id}/keys", data={"csrf_token": token})
    key = KEY_RE.search(issued.get_data(as_text=True)).group(1)

    # FixMyStreet posts a flytipping report with a photo.
    data: dict = {}
    for name, value in fms_report(key):
        data.setdefault(name, []).append(value)
    data["photo1"] = (io.BytesIO(image_bytes("JPEG")), "flytip.jpg")
    posted = fixmystreet.post("/open311/v2/requests.xml", data=data, content_type="multipart/form-data")
    reference = xml_in(posted.get_data(as_text=True))["request"][0]["service_request_id"]

    # The officer finds it in the triage queue, triages it and records the clearance.
    queue = officer_browser.get("/cases?state=new").get_data(as_text=True)
    assert reference in queue
    case = db.session.scalar(select(Case).where(Case.reference == reference))
    assert [e.original_name for e in case.evidence] == ["flytip.jpg"]
    page = f"/cases/{reference}"
    assert (
        post(officer_browser, f"{page}/transition/triage", {"version": case.version}, page).status_code == 302
    )
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    today = utcnow().date()
    clearance = {
        "cleared_on": [str(today.day), str(today.month), str(today.year)],
        "cleared_by": "council",
        "version": case.version,
    }
    url = f"{page}/incidents/{case.incidents[0].id}/clearance"
    assert post(officer_browser, url, clearance, page).status_code == 302

    # FixMyStreet reads the FIXED update.
    answer = fixmystreet.get("/open311/v2/servicerequestupdates.xml", query_string={"api_key": key})
    updates = xml_in(answer.get_data(as_text=True))["request_update"]
    assert [(u["service_request_id"], u["status"]) for u in updates] == [
        (reference, "ACTION_SCHEDULED"),
        (reference, "FIXED"),
    ]
