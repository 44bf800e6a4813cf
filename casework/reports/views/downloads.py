"""CSV answers shared by the reports: a download, or a 400 in plain text for bad parameters."""

from __future__ import annotations

import csv
import io
import re

from flask import Response

from casework.cases.queries import safe_cell

NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def _cell(value: str) -> str:
    # A signed number stays a number; any other text a spreadsheet would run as a formula is quoted.
    return value if NUMBER.fullmatch(value) else safe_cell(value)


def csv_download(rows: list[list[str]], filename: str) -> Response:
    """The rows as a CSV attachment."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([_cell(cell) for cell in row])
    response = Response(buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def error_text(errors: dict[str, str]) -> Response:
    """Bad parameters of a CSV request: 400, with the reasons as text."""
    body = "The report could not be made:\n" + "\n".join(f"- {message}" for message in errors.values())
    return Response(body + "\n", status=400, mimetype="text/plain")


def error_list(errors: dict[str, str]) -> list[dict[str, str]]:
    """The problems for govukErrorSummary, each linked to its field."""
    return [{"text": message, "href": f"#{field}"} for field, message in errors.items()]
