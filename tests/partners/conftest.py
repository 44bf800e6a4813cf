"""Every partners test starts with no service-level policies; a test that wants one adds it.

The migration seeds the defaults, so without this the first test of a run would see them and the
rest would not (the app fixture empties every table after each test).
"""

from __future__ import annotations

import pytest
from sqlalchemy import delete

from casework.deadlines.models import ServiceLevelPolicy
from casework.extensions import db


@pytest.fixture(autouse=True)
def _no_policies(request):
    if "app" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("app")
    db.session.execute(delete(ServiceLevelPolicy))
    db.session.commit()
    yield
