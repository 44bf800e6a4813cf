"""The three senders, each against the real thing where there is one: .eml files, a real SMTP server
(aiosmtpd, with STARTTLS and a login), and GOV.UK Notify's HTTP API (the one imitated part)."""

from __future__ import annotations

import json
import shutil
import ssl
import subprocess
from datetime import timedelta
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from aiosmtpd.smtp import AuthResult

from casework.db_types import utcnow
from casework.extensions import db
from casework.notifications import services
from casework.notifications.models import Status
from casework.notifications.senders import ConfigurationError, make_sender
from tests.notifications.helpers import all_rows, notice
from tests.notifications.support import SMTPSink


def _one_sent(message) -> None:
    db.session.refresh(message)
    assert message.status == Status.SENT, message.last_error
    assert message.sent_at is not None


# --- file ------------------------------------------------------------------------------------------


def test_the_file_sender_writes_an_eml_file_per_message_under_the_instance_folder(mail_app):
    app = mail_app()  # the default sender
    message = notice("file-1", to="sam@example.org", greeting_name="Sam")
    message.to_name = "Sam Smith"
    db.session.commit()

    assert services.dispatch_pending() == 1

    _one_sent(message)
    path = app.instance_path + "/mail/" + message.provider_reference
    assert message.provider == "file"
    assert message.provider_reference.startswith(f"{message.id:08d}-") and path.endswith(".eml")
    with open(path, "rb") as handle:
        email = message_from_bytes(handle.read(), policy=default_policy)
    assert email["Message-ID"] == message.message_id
    assert email["To"] == "Sam Smith <sam@example.org>"
    assert email["Subject"] == "Reminder file-1"
    assert email["From"] == "Casework <casework@casework.local>"
    assert email.get_content_type() == "multipart/alternative"
    text, html = (part.get_content() for part in email.iter_parts())
    assert text.startswith("Dear Sam,")
    assert "<!DOCTYPE html>" in html


# --- SMTP ------------------------------------------------------------------------------------------


def test_smtp_delivers_plain_and_html_with_the_rows_message_id(mail_app, smtp_sink):
    mail_app(**smtp_sink.settings())
    message = notice("smtp-1", to="officer@example.org")
    db.session.commit()

    assert services.dispatch_pending() == 1

    _one_sent(message)
    [delivery] = smtp_sink.deliveries
    assert delivery.recipients == ["officer@example.org"]
    assert delivery.message_id == message.message_id
    assert delivery.subject == "Reminder smtp-1"
    assert [p.get_content_type() for p in delivery.email.iter_parts()] == ["text/plain", "text/html"]
    assert message.provider == "smtp"
    assert message.provider_reference.startswith("250 ")  # what the server said on accepting it


def test_smtp_sends_a_batch_over_one_connection(mail_app, smtp_sink):
    mail_app(**smtp_sink.settings())
    for n in range(5):
        notice(f"batch-{n}", to=f"p{n}@example.org")
    db.session.commit()

    assert services.dispatch_pending() == 5
    assert sorted(d.recipients[0] for d in smtp_sink.deliveries) == [f"p{n}@example.org" for n in range(5)]


@pytest.fixture
def tls_files(tmp_path):
    """A self-signed certificate for 'localhost' and the addresses the sink may bind."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def secure_sink(tls_files):
    """An SMTP server that demands STARTTLS before anything, then a login."""
    cert, key = tls_files
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == b"casework" and auth_data.password == b"relay-password"
        return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535 itself

    sink = SMTPSink(
        tls_context=context, require_starttls=True, authenticator=authenticator, auth_required=True
    )
    sink.start()
    yield sink, cert
    sink.stop()


def test_smtp_uses_starttls_and_the_credentials_from_settings(mail_app, secure_sink):
    sink, cert = secure_sink
    mail_app(
        **sink.settings(),
        MAIL_SMTP_STARTTLS=True,
        MAIL_SMTP_CA_FILE=str(cert),
        MAIL_SMTP_USERNAME="casework",
        MAIL_SMTP_PASSWORD="relay-password",
    )
    message = notice("tls-1")
    db.session.commit()

    assert services.dispatch_pending() == 1
    _one_sent(message)
    assert [d.message_id for d in sink.deliveries] == [message.message_id]


def test_a_wrong_smtp_password_is_retried_later_not_lost(mail_app, secure_sink):
    sink, cert = secure_sink
    mail_app(
        **sink.settings(),
        MAIL_SMTP_STARTTLS=True,
        MAIL_SMTP_CA_FILE=str(cert),
        MAIL_SMTP_USERNAME="casework",
        MAIL_SMTP_PASSWORD="wrong",
        MAIL_SMTP_TIMEOUT=5,
    )
    message = notice("tls-2")
    db.session.commit()

    assert services.dispatch_pending() == 0
    db.session.refresh(message)
    assert message.status == Status.PENDING and message.attempts == 1
    assert "SMTPAuthenticationError" in message.last_error
    assert sink.deliveries == []


class RefusingHandler:
    """An SMTP server that refuses one recipient for good and another for now."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("gone@"):
            return "550 5.1.1 No such mailbox"
        if address.startswith("busy@"):
            return "452 4.2.2 Mailbox full, try later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        return "250 OK"


def test_a_refused_recipient_fails_at_once_and_a_busy_one_is_retried(mail_app):
    sink = SMTPSink()
    sink.handler = RefusingHandler()
    sink.start()
    try:
        mail_app(**sink.settings())
        gone, busy, fine = (
            notice("r1", to="gone@example.org"),
            notice("r2", to="busy@example.org"),
            notice("r3"),
        )
        db.session.commit()

        assert services.dispatch_pending() == 1
    finally:
        sink.stop()
    for row in (gone, busy, fine):
        db.session.refresh(row)
    assert gone.status == Status.FAILED and gone.attempts == 1
    assert "550" in gone.last_error and "No such mailbox" in gone.last_error
    assert busy.status == Status.PENDING and "452" in busy.last_error
    assert fine.status == Status.SENT  # one refusal did not spoil the connection for the next


# --- GOV.UK Notify ---------------------------------------------------------------------------------


def test_notify_sends_with_the_mapped_template_and_the_key_as_reference(mail_app, notify_api):
    mail_app(**notify_api.settings(NOTIFY_TEMPLATE_IDS=json.dumps({"notice": "template-notice-id"})))
    message = notice("notify-1", to="partner@example.org")
    db.session.commit()

    assert services.dispatch_pending() == 1

    _one_sent(message)
    [sent] = notify_api.sent
    assert sent["email_address"] == "partner@example.org"
    assert sent["template_id"] == "template-notice-id"
    assert sent["reference"] == "notify-1"
    assert sent["personalisation"]["subject"] == "Reminder notify-1"
    assert sent["personalisation"]["paragraphs"] == ["Case notify-1 is due for review tomorrow."]
    assert message.provider == "notify"
    assert message.provider_reference == sent["id"]
    assert notify_api.lookups == []  # a first attempt has nothing to look up


def test_notify_generic_template_gets_our_subject_and_plain_text_body(mail_app, notify_api):
    mail_app(**notify_api.settings(NOTIFY_TEMPLATE_ID="generic-id"))
    message = notice("notify-2")
    db.session.commit()

    services.dispatch_pending()

    [sent] = notify_api.sent
    assert sent["template_id"] == "generic-id"
    assert sent["personalisation"]["body"] == message.body_text


def test_a_message_left_sending_is_looked_up_by_reference_and_not_sent_again(mail_app, notify_api):
    mail_app(**notify_api.settings(NOTIFY_TEMPLATE_ID="generic-id"))
    message = notice("notify-crash")
    db.session.commit()
    now = utcnow()
    # A dispatcher claimed it, Notify accepted it, and the worker died before recording that.
    services._claim(now, 10, timedelta(minutes=5), "notify")
    notify_id = notify_api.already_has("notify-crash")

    assert services.dispatch_pending(now=now + timedelta(minutes=4)) == 0  # claim still live
    assert services.dispatch_pending(now=now + timedelta(minutes=6)) == 1  # claim lapsed

    _one_sent(message)
    assert message.provider_reference == notify_id
    assert notify_api.lookups == ["notify-crash"]
    assert len(notify_api.sent) == 1, "sent again although Notify had it"


def test_a_message_left_sending_that_notify_never_got_is_sent_once(mail_app, notify_api):
    mail_app(**notify_api.settings(NOTIFY_TEMPLATE_ID="generic-id"))
    message = notice("notify-lost")
    db.session.commit()
    now = utcnow()
    services._claim(now, 10, timedelta(minutes=5), "notify")  # and died before reaching Notify

    assert services.dispatch_pending(now=now + timedelta(minutes=6)) == 1

    _one_sent(message)
    assert notify_api.lookups == ["notify-lost"]
    assert [n["reference"] for n in notify_api.sent] == ["notify-lost"]


def test_notify_errors_retry_when_notify_is_down_and_fail_when_it_refuses(mail_app, notify_api):
    mail_app(**notify_api.settings(NOTIFY_TEMPLATE_ID="generic-id"))
    down, refused = notice("notify-down"), notice("notify-refused")
    db.session.commit()
    notify_api.fail_next(500)
    notify_api.fail_next(400)

    assert services.dispatch_pending() == 0

    db.session.refresh(down)
    db.session.refresh(refused)
    assert down.status == Status.PENDING and down.attempts == 1 and "500" in down.last_error
    assert refused.status == Status.FAILED and "400" in refused.last_error
    # The retry asks Notify first (the 500 may have come after it took the message), then sends.
    assert services.dispatch_pending(now=utcnow() + timedelta(minutes=2)) == 1
    assert notify_api.lookups == ["notify-down"]


def test_a_wrong_notify_key_is_refused_by_notify_and_recorded(mail_app, notify_api):
    mail_app(**notify_api.settings(NOTIFY_TEMPLATE_ID="t", NOTIFY_API_KEY=notify_api.api_key[:-4] + "0000"))
    message = notice("notify-badkey")
    db.session.commit()

    services.dispatch_pending()

    db.session.refresh(message)
    assert message.status == Status.FAILED
    assert "403" in message.last_error and "Invalid token" in message.last_error


# --- configuration ---------------------------------------------------------------------------------


def test_an_unknown_sender_or_a_missing_notify_key_is_a_clear_error(mail_app):
    app = mail_app(MAIL_SENDER="carrier-pigeon")
    with pytest.raises(ConfigurationError, match="MAIL_SENDER must be one of file, smtp, notify"):
        make_sender(app.config)
    with pytest.raises(ConfigurationError, match="NOTIFY_API_KEY"):
        make_sender({**app.config, "MAIL_SENDER": "notify", "NOTIFY_API_KEY": ""})
    with pytest.raises(ConfigurationError, match="NOTIFY_TEMPLATE_IDS is not JSON"):
        make_sender(
            {**app.config, "MAIL_SENDER": "notify", "NOTIFY_API_KEY": "k" * 80, "NOTIFY_TEMPLATE_IDS": "{"}
        )
    assert all_rows() == []
