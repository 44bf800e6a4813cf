"""Browser fixtures: the real app on a live HTTP server, driven by Debian's Chromium through Playwright.

The server is the app as `create_app` builds it, on the test database (built by the real migrations),
seeded with the demo data, served by Werkzeug on 127.0.0.1 in a background thread. One server and one
browser serve the whole package; each test gets fresh browser contexts (no shared cookies) and every
table is emptied when the package is done, as the `app` fixture does for other tests.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright
from werkzeug.serving import WSGIRequestHandler, make_server

from casework import create_app
from casework.demo import seed_demo
from casework.extensions import db
from config import BASE_DIR
from tests.browser.helpers import DESKTOP, BrowserTab, PageProblems
from tests.conftest import make_config
from tests.services import unavailable

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
STEP_TIMEOUT_MS = 10_000
STATIC = BASE_DIR / "casework" / "static"
BUILT_ASSETS = (STATIC / "css" / "application.css", STATIC / "js" / "govuk-frontend.min.js")
AXE_SOURCE = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
SHOTS_DIR = Path(os.environ.get("CASEWORK_SCREENSHOTS") or Path(tempfile.gettempdir()) / "casework-shots")

# Every step waits at most this long for the page to get where it should.
expect.set_options(timeout=STEP_TIMEOUT_MS)

# Records the page's Content Security Policy violations, outside the page's own CSP (init scripts
# are injected by the browser, not loaded by the page).
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
"""


class _QuietHandler(WSGIRequestHandler):
    """No access log line per request; errors are still logged."""

    def log_request(self, *args, **kwargs) -> None:
        pass


@dataclass
class LiveServer:
    url: str
    app: Flask

    @property
    def demo_password(self) -> str:
        return self.app.config["DEMO_PASSWORD"]


@pytest.fixture(scope="package")
def live_server(database_url, tmp_path_factory) -> Iterator[LiveServer]:
    """The app served over HTTP on a free port of 127.0.0.1, with the demo data in its database."""
    missing = [str(path.relative_to(BASE_DIR)) for path in BUILT_ASSETS if not path.is_file()]
    if missing:
        unavailable(
            f"built assets missing ({', '.join(missing)}): run `npm ci && npm run build` (make test does)"
        )
    config = make_config(
        database_url,
        tmp_path_factory.mktemp("browser-instance"),
        # Every journey signs in from 127.0.0.1; the limits have their own tests.
        SIGN_IN_LIMIT_PER_ADDRESS="1000 per minute",
        SIGN_IN_LIMIT_PER_ACCOUNT="1000 per minute",
    )
    app = create_app(config)
    with app.app_context():
        seed_demo()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="casework-live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.session.remove()
            with db.engine.begin() as conn:
                for table in reversed(db.metadata.sorted_tables):
                    conn.execute(table.delete())
            db.engine.dispose()


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, launched once for the package."""
    if not os.access(CHROMIUM, os.X_OK):
        unavailable(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS, timeout=30_000
        )
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def open_page(browser, live_server) -> Iterator[Callable[..., BrowserTab]]:
    """open_page(viewport=..., **context_options): a fresh context (no cookies) and a watched page."""
    contexts: list[BrowserContext] = []
    host = urlsplit(live_server.url).netloc

    def open_(viewport: dict | None = None, **options) -> BrowserTab:
        context = browser.new_context(
            base_url=live_server.url,
            viewport=viewport or DESKTOP,
            locale="en-GB",
            timezone_id="Europe/London",
            **options,
        )
        context.set_default_timeout(STEP_TIMEOUT_MS)
        context.set_default_navigation_timeout(STEP_TIMEOUT_MS)
        context.add_init_script(script=CSP_LISTENER)
        contexts.append(context)
        page = context.new_page()
        problems = PageProblems()

        def on_console(message) -> None:
            if message.type == "error":
                problems.console_errors.append(f"{message.text} ({page.url})")

        def on_request(request) -> None:
            parts = urlsplit(request.url)
            if parts.scheme in {"http", "https"} and parts.netloc != host:
                problems.outside_requests.append(request.url)
            if request.resource_type == "font" or parts.path.endswith((".woff", ".woff2", ".ttf")):
                problems.font_requests.append(request.url)

        def on_response(response) -> None:
            if response.status >= 500:
                problems.server_errors.append(f"{response.status} {response.url}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: problems.page_errors.append(str(error)))
        page.on("request", on_request)
        page.on("response", on_response)
        return BrowserTab(page=page, problems=problems)

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture(scope="package")
def screenshot(tmp_path_factory) -> Callable[[Page, str], Path]:
    """screenshot(page, name): a full-page PNG in a pytest tmp folder, copied to /tmp/casework-shots."""
    folder = tmp_path_factory.mktemp("screenshots")

    def take(page: Page, name: str) -> Path:
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        SHOTS_DIR.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, SHOTS_DIR / path.name)
        return path

    return take


@pytest.fixture(scope="package")
def axe_source() -> str:
    """axe-core's browser bundle, from node_modules (a pinned devDependency in package.json)."""
    if not AXE_SOURCE.is_file():
        unavailable(f"axe-core missing at {AXE_SOURCE.relative_to(BASE_DIR)}: run `npm ci` (make test does)")
    return AXE_SOURCE.read_text(encoding="utf-8")
