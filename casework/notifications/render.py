"""Rendering messages from templates/emails: <name>.subject.txt, <name>.txt and (optionally) <name>.html.

E-mails have their own Jinja environment: templates see only the context they are given plus a few
safe globals (the service's names, `link()` for absolute links), never the request, the signed-in
user or the configuration, so a message carries nothing its caller did not choose to put in it. A
missing context value is an error (StrictUndefined), raised when the message is queued.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import current_app
from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateNotFound,
    UndefinedError,
    select_autoescape,
)
from markupsafe import Markup, escape

from casework.formatting import date_uk, datetime_uk, money
from config import BASE_DIR

EMAIL_TEMPLATES = BASE_DIR / "templates" / "emails"
TEMPLATE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,99}$")
SUBJECT_LIMIT = 300


class TemplateError(ValueError):
    """A message template is missing, misnamed, or needs a value its context does not have."""


@dataclass(frozen=True)
class Rendered:
    """A message as it will be sent."""

    subject: str
    text: str
    html: str


def render_message(template: str, context: dict[str, Any]) -> Rendered:
    """Render a message's subject, plain text and HTML bodies from its templates and context."""
    if not TEMPLATE_NAME.match(template):
        raise TemplateError(f"Message template names are lower case letters, digits and _: {template!r}")
    env = email_environment()
    try:
        subject = _one_line(env.get_template(f"{template}.subject.txt").render(context))
        text = _tidy(env.get_template(f"{template}.txt").render(context))
        html = _html_body(env, template, context, subject, text)
    except TemplateNotFound as error:
        raise TemplateError(f"No message template templates/emails/{error.name}") from None
    except UndefinedError as error:
        raise TemplateError(f"Message template {template!r}: {error}") from None
    if not subject:
        raise TemplateError(f"Message template {template!r} gave an empty subject")
    return Rendered(subject=subject[:SUBJECT_LIMIT], text=text, html=html)


def email_environment() -> Environment:
    """The app's e-mail Jinja environment, built once per app."""
    env = current_app.extensions.get("casework_email_env")
    if env is None:
        env = _build_environment()
        current_app.extensions["casework_email_env"] = env
    return env


def _build_environment() -> Environment:
    config = current_app.config
    env = Environment(
        loader=FileSystemLoader(str(EMAIL_TEMPLATES)),
        autoescape=select_autoescape(["html"], default_for_string=False, default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(date_uk=date_uk, datetime_uk=datetime_uk, money=money)
    env.globals.update(
        partnership_name=config["PARTNERSHIP_NAME"],
        service_name=config["SERVICE_NAME"],
        base_url=config["SERVER_NAME_FOR_LINKS"].rstrip("/"),
        link=link,
    )
    return env


def link(endpoint_or_path: str, **values: Any) -> str:
    """An absolute link from the configured base URL: link('cases.view', reference=...) or link('/x')."""
    base = current_app.config["SERVER_NAME_FOR_LINKS"].rstrip("/")
    if endpoint_or_path.startswith("/"):
        return base + endpoint_or_path
    # Built from the URL map directly: messages are rendered in tasks, outside any request.
    adapter = current_app.url_map.bind("localhost")
    return base + adapter.build(endpoint_or_path, values)


def _html_body(env: Environment, template: str, context: dict[str, Any], subject: str, text: str) -> str:
    try:
        return env.get_template(f"{template}.html").render(context, subject=subject).strip() + "\n"
    except TemplateNotFound as error:
        if error.name != f"{template}.html":
            raise
    # No HTML template: the plain text, paragraph by paragraph, in the HTML layout.
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    body = Markup("\n").join(_paragraph(p) for p in paragraphs)
    layout = env.get_template("_layout.html")
    return layout.render(subject=subject, body=body).strip() + "\n"


def _paragraph(text: str) -> Markup:
    lines = Markup("<br>\n").join(escape(line) for line in text.splitlines())
    return Markup('<p style="margin: 0 0 16px 0;">') + lines + Markup("</p>")


def _tidy(text: str) -> str:
    """Trailing spaces off, at most one blank line in a row (optional parts leave gaps)."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


def _one_line(value: str) -> str:
    return " ".join(value.split())
