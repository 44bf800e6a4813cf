"""Case review tests start from the default service levels (the app fixture empties every table)."""

from __future__ import annotations

import pytest

from tests.reviews.builders import review_policies


@pytest.fixture(autouse=True)
def _policies(request):
    if "app" in request.fixturenames:
        request.getfixturevalue("app")
        review_policies()
    yield
