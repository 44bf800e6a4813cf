"""The service navigation marks the section a page belongs to, so people know where they are."""

from __future__ import annotations

import re

import pytest

from casework.auth.roles import Role
from tests.builders import make_borough, make_user
from tests.conftest import sign_in

CURRENT = re.compile(r'aria-current="(?:page|true)"[^>]*>\s*(?:<strong[^>]*>)?\s*([^<]+?)\s*<', re.S)


@pytest.mark.parametrize(
    ("role", "path", "section"),
    [
        (Role.MANAGER, "/case-reviews/publication", "Case reviews"),
        (Role.MANAGER, "/reports/performance", "Dashboard"),
        (Role.ADMIN, "/admin/open311/guide", "Open311"),
        (Role.ADMIN, "/admin/settings/letters", "Settings"),
    ],
)
def test_a_page_below_a_section_marks_that_section_current(app, client, role, path, section):
    borough = make_borough("Dartford", "DAR") if role == Role.MANAGER else None
    user = make_user(role, borough=borough)
    sign_in(client, user.email)
    page = client.get(path).get_data(as_text=True)
    assert CURRENT.findall(page) == [section]
