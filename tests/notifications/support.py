"""Real parts for the outbox tests: an aiosmtpd SMTP server, and GOV.UK Notify's HTTP API.

Notify is the one thing the tests imitate: `FakeNotify` is a small HTTP server that answers the
requests notifications-python-client makes (and checks their signed tokens), so the real client
library runs end to end. Everything else is real.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import jwt
from aiosmtpd.controller import Controller, get_localhost


@dataclass
class Delivery:
    """One message the SMTP server accepted."""

    message_id: str
    recipients: list[str]
    subject: str
    email: EmailMessage


@dataclass
class SinkHandler:
    """aiosmtpd handler that keeps every message it accepts (optionally slowly, to widen races)."""

    delay: float = 0.0
    deliveries: list[Delivery] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        parsed = message_from_bytes(envelope.content, policy=default_policy)
        delivery = Delivery(
            message_id=str(parsed["Message-ID"]),
            recipients=list(envelope.rcpt_tos),
            subject=str(parsed["Subject"]),
            email=parsed,
        )
        with self.lock:
            self.deliveries.append(delivery)
        return "250 2.0.0 Message accepted for delivery"

    def count(self) -> int:
        with self.lock:
            return len(self.deliveries)

    def per_message_id(self) -> Counter:
        with self.lock:
            return Counter(d.message_id for d in self.deliveries)


class SMTPSink:
    """A real SMTP server on a local port, started and stopped on demand (to play an outage)."""

    def __init__(self, port: int | None = None, delay: float = 0.0, **smtp_options) -> None:
        self.hostname = get_localhost()  # aiosmtpd may bind ::1: connect to what it binds
        self.port = port or free_port(self.hostname)
        self.handler = SinkHandler(delay=delay)
        self.smtp_options = smtp_options
        self.controller: Controller | None = None

    def start(self) -> SMTPSink:
        self.controller = Controller(
            self.handler, hostname=self.hostname, port=self.port, **self.smtp_options
        )
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def settings(self) -> dict:
        """Mail settings pointing the SMTP sender here."""
        return {"MAIL_SENDER": "smtp", "MAIL_SMTP_HOST": self.hostname, "MAIL_SMTP_PORT": self.port}

    @property
    def deliveries(self) -> list[Delivery]:
        with self.handler.lock:
            return list(self.handler.deliveries)


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on (now)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def wait_until(condition, timeout: float, interval: float = 0.05) -> bool:
    """Poll `condition` until it is true or `timeout` seconds have passed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return bool(condition())


class FakeNotify:
    """GOV.UK Notify's v2 API, as far as the client uses it: send an e-mail, list by reference.

    Requests must carry a token signed with the API key's secret and issued by its service id, as
    Notify checks. `fail_next(status)` makes the next POST fail with that HTTP status.
    """

    def __init__(self) -> None:
        self.service_id = str(uuid.uuid4())
        self.secret = str(uuid.uuid4())
        self.api_key = f"casework_test-{self.service_id}-{self.secret}"
        self.sent: list[dict] = []
        self.lookups: list[str] = []
        self.failures: list[int] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def settings(self, **extra) -> dict:
        return {
            "MAIL_SENDER": "notify",
            "NOTIFY_API_KEY": self.api_key,
            "NOTIFY_BASE_URL": self.base_url,
            **extra,
        }

    def start(self) -> FakeNotify:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def fail_next(self, status: int) -> None:
        with self.lock:
            self.failures.append(status)

    def already_has(self, reference: str, email_address: str = "someone@example.org") -> str:
        """Record a notification as if an earlier, interrupted attempt had reached Notify."""
        notification_id = str(uuid.uuid4())
        with self.lock:
            self.sent.append({"id": notification_id, "reference": reference, "email_address": email_address})
        return notification_id

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format, *args) -> None:
                return

            def _authorised(self) -> bool:
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                try:
                    claims = jwt.decode(token, fake.secret, algorithms=["HS256"])
                except jwt.PyJWTError:
                    return False
                return claims.get("iss") == fake.service_id

            def _answer(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                if not self._authorised():
                    return self._answer(403, {"errors": [{"error": "AuthError", "message": "Invalid token"}]})
                url = urlsplit(self.path)
                if url.path != "/v2/notifications":
                    return self._answer(404, {"errors": [{"error": "NotFound", "message": "Not found"}]})
                reference = parse_qs(url.query).get("reference", [None])[0]
                with fake.lock:
                    fake.lookups.append(reference)
                    found = [n for n in fake.sent if n["reference"] == reference]
                notifications = [
                    {"id": n["id"], "reference": n["reference"], "status": "delivered"} for n in found
                ]
                return self._answer(200, {"notifications": notifications, "links": {"current": self.path}})

            def do_POST(self) -> None:
                if not self._authorised():
                    return self._answer(403, {"errors": [{"error": "AuthError", "message": "Invalid token"}]})
                if self.path != "/v2/notifications/email":
                    return self._answer(404, {"errors": [{"error": "NotFound", "message": "Not found"}]})
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with fake.lock:
                    status = fake.failures.pop(0) if fake.failures else None
                if status is not None:
                    return self._answer(
                        status, {"errors": [{"error": "Fake", "message": f"failed with {status}"}]}
                    )
                notification = {"id": str(uuid.uuid4()), **body}
                with fake.lock:
                    fake.sent.append(notification)
                return self._answer(201, {"id": notification["id"], "reference": body.get("reference")})

        return Handler
