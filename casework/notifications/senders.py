"""Senders: the file sender (the default), SMTP and GOV.UK Notify, chosen by MAIL_SENDER.

A sender takes an `Outgoing` (a plain snapshot of an outbox row, so that no database transaction is
open while the network is used) and returns the provider's reference. It raises `PermanentFailure`
when trying again cannot help (an address the server refuses) and any other exception when it can.
"""

from __future__ import annotations

import json
import os
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime, formataddr
from pathlib import Path
from typing import Any, Protocol

from flask import current_app

from casework.db_types import utcnow

SENDERS = ("file", "smtp", "notify")


class PermanentFailure(Exception):
    """The provider refused the message in a way that retrying will not change."""


class _IdleConnectionClosed(smtplib.SMTPServerDisconnected):
    """The kept connection was closed by the server before this message was begun."""


class ConfigurationError(RuntimeError):
    """The mail settings are incomplete or wrong."""


@dataclass(frozen=True)
class Outgoing:
    """What a sender needs to know about one message (a snapshot of its outbox row)."""

    id: int
    key: str
    message_id: str
    to_address: str
    to_name: str
    template: str
    subject: str
    text: str
    html: str
    context: dict[str, Any] = field(default_factory=dict)
    attempt: int = 1
    claimed_at: datetime | None = None
    # True when an earlier attempt may have reached the provider (a crash mid-send, a timeout).
    maybe_sent_before: bool = False


class Sender(Protocol):
    """What the dispatcher needs from a sender."""

    name: str

    def send(self, message: Outgoing) -> str:
        """Deliver the message to the provider; return the provider's reference."""
        ...

    def close(self) -> None:
        """Release connections held between messages."""
        ...


def make_sender(config: dict | None = None) -> Sender:
    """The sender named by MAIL_SENDER."""
    config = config if config is not None else current_app.config
    name = str(config.get("MAIL_SENDER", "file")).strip().lower()
    if name == "file":
        return FileSender(_mail_dir(config), config)
    if name == "smtp":
        return SMTPSender(config)
    if name == "notify":
        return NotifySender(config)
    raise ConfigurationError(f"MAIL_SENDER must be one of {', '.join(SENDERS)}, not {name!r}")


def build_email(message: Outgoing, config: dict) -> EmailMessage:
    """The RFC 5322 message: plain text and HTML alternatives, with the row's own Message-ID."""
    email = EmailMessage()
    from_name = config.get("MAIL_FROM_NAME") or config.get("SERVICE_NAME") or ""
    email["From"] = formataddr((from_name, config["MAIL_FROM"]))
    email["To"] = formataddr((message.to_name, message.to_address))
    email["Subject"] = message.subject
    email["Message-ID"] = message.message_id
    email["Date"] = format_datetime(message.claimed_at) if message.claimed_at else format_datetime(utcnow())
    email["Auto-Submitted"] = "auto-generated"  # RFC 3834: out-of-office replies should not answer
    email.set_content(message.text)
    email.add_alternative(message.html, subtype="html")
    return email


def _mail_dir(config: dict) -> Path:
    if config.get("MAIL_DIR"):
        return Path(config["MAIL_DIR"])
    return Path(config["INSTANCE_DIR"]) / "mail"


class FileSender:
    """Writes each message as an .eml file: <outbox id>-<claim time>.eml under instance/mail.

    One file per attempt that reached this sender, so a resend or a re-send after a crash is a new
    file beside the first, with the same Message-ID inside, rather than silently replacing it.
    """

    name = "file"

    def __init__(self, folder: Path, config: dict) -> None:
        self.folder = folder
        self.config = config

    def send(self, message: Outgoing) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = (message.claimed_at or utcnow()).strftime("%Y%m%dT%H%M%S%f")
        path = self.folder / f"{message.id:08d}-{stamp}.eml"
        partial = path.with_suffix(".partial")
        partial.write_bytes(bytes(build_email(message, self.config)))
        os.replace(partial, path)  # a reader never sees half a message
        return path.name

    def close(self) -> None:
        """Nothing to release."""


class SMTPSender:
    """Sends over SMTP, one connection reused for the messages of one dispatch run."""

    name = "smtp"

    def __init__(self, config: dict) -> None:
        self.config = config
        self.connection: smtplib.SMTP | None = None

    def send(self, message: Outgoing) -> str:
        email = build_email(message, self.config)
        reused = self.connection is not None
        try:
            return self._send(email, message)
        except _IdleConnectionClosed:
            # The server closed the connection we kept between messages, before we sent anything
            # of this one: one fresh connection, without risk of sending it twice.
            self.close()
            if not reused:
                raise
            return self._send(email, message)

    def _send(self, email: EmailMessage, message: Outgoing) -> str:
        connection = self._connection()
        step = "MAIL FROM"
        try:
            try:
                _check(*connection.mail(self.config["MAIL_FROM"]), step)
            except smtplib.SMTPServerDisconnected as error:
                raise _IdleConnectionClosed(str(error)) from None
            step = "RCPT TO"
            _check(*connection.rcpt(message.to_address), step)
            step = "DATA"
            code, response = connection.data(email.as_bytes(policy=SMTP_POLICY))  # CRLF line ends
            _check(code, response, step)
        except smtplib.SMTPResponseException as error:
            self._reset()
            # A refused recipient or message will be refused again; a refused sender is our own
            # settings (or the server's state), which can change, so that is retried.
            if error.smtp_code >= 500 and step != "MAIL FROM":
                detail = error.smtp_error
                if isinstance(detail, bytes):
                    detail = detail.decode(errors="replace")
                refused = f"The SMTP server refused {step}: {error.smtp_code} {detail}"
                raise PermanentFailure(refused) from None
            raise
        except (smtplib.SMTPException, OSError):
            self.close()  # a half-finished conversation is no use for the next message
            raise
        return f"{code} {response.decode(errors='replace')}"[:200]

    def _connection(self) -> smtplib.SMTP:
        if self.connection is None:
            config = self.config
            connection = smtplib.SMTP(
                config["MAIL_SMTP_HOST"], int(config["MAIL_SMTP_PORT"]), timeout=config["MAIL_SMTP_TIMEOUT"]
            )
            try:
                connection.ehlo()
                if config.get("MAIL_SMTP_STARTTLS"):
                    connection.starttls(context=self._tls_context())
                    connection.ehlo()
                if config.get("MAIL_SMTP_USERNAME"):
                    connection.login(config["MAIL_SMTP_USERNAME"], config.get("MAIL_SMTP_PASSWORD", ""))
            except Exception:
                connection.close()
                raise
            self.connection = connection
        return self.connection

    def _tls_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.config.get("MAIL_SMTP_CA_FILE") or None)

    def _reset(self) -> None:
        try:
            if self.connection is not None:
                self.connection.rset()
        except (smtplib.SMTPException, OSError):
            self.close()

    def close(self) -> None:
        """Say QUIT if the connection is still there."""
        connection, self.connection = self.connection, None
        if connection is None:
            return
        try:
            connection.quit()
        except (smtplib.SMTPException, OSError):
            connection.close()


def _check(code: int, response: bytes, step: str) -> None:
    if not 200 <= code < 300:
        raise smtplib.SMTPResponseException(code, response)


class NotifySender:
    """Sends through GOV.UK Notify; the reference is the outbox row's idempotency key.

    Before sending a message an earlier attempt may have delivered to Notify (a worker killed
    mid-send, a timeout), it asks Notify for a notification with that reference and, when there is
    one, takes its id instead of sending again.
    """

    name = "notify"

    def __init__(self, config: dict) -> None:
        from notifications_python_client.notifications import NotificationsAPIClient

        api_key = config.get("NOTIFY_API_KEY") or ""
        if len(api_key) < 74:
            raise ConfigurationError("NOTIFY_API_KEY is missing or is not a GOV.UK Notify API key")
        try:
            self.template_ids: dict[str, str] = json.loads(config.get("NOTIFY_TEMPLATE_IDS") or "{}")
        except json.JSONDecodeError as error:
            raise ConfigurationError(f"NOTIFY_TEMPLATE_IDS is not JSON: {error}") from None
        self.generic_template_id = config.get("NOTIFY_TEMPLATE_ID") or ""
        self.client = NotificationsAPIClient(
            api_key, base_url=config["NOTIFY_BASE_URL"], timeout=config["MAIL_SMTP_TIMEOUT"]
        )

    def send(self, message: Outgoing) -> str:
        from notifications_python_client.errors import HTTPError

        try:
            if message.maybe_sent_before:
                found = self.client.get_all_notifications(reference=message.key)
                if found.get("notifications"):
                    return str(found["notifications"][0]["id"])
            response = self.client.send_email_notification(
                email_address=message.to_address,
                template_id=self._template_id(message.template),
                personalisation=self._personalisation(message),
                reference=message.key,
            )
        except HTTPError as error:
            # 4xx (a bad address, a bad template, a bad key) will fail the same way again; 429 and
            # 5xx are Notify being busy or down.
            if 400 <= error.status_code < 500 and error.status_code != 429:
                raise PermanentFailure(f"GOV.UK Notify refused the message: {error}") from None
            raise
        return str(response["id"])

    def _template_id(self, template: str) -> str:
        template_id = self.template_ids.get(template) or self.generic_template_id
        if not template_id:
            raise PermanentFailure(
                f"No GOV.UK Notify template for {template!r}: set NOTIFY_TEMPLATE_IDS or NOTIFY_TEMPLATE_ID"
            )
        return template_id

    def _personalisation(self, message: Outgoing) -> dict[str, str | list[str]]:
        values = {key: _notify_value(value) for key, value in message.context.items()}
        # A generic template is "((subject))" over "((body))": our own rendering, in plain text.
        values.update(subject=message.subject, body=message.text)
        return values

    def close(self) -> None:
        """Close the HTTP session."""
        self.client.request_session.close()


def _notify_value(value: Any) -> str | list[str]:
    if isinstance(value, list):
        return [str(item) for item in value]  # Notify shows a list as bullet points
    return "" if value is None else str(value)
