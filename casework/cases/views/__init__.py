"""The cases blueprint; its routes live in the modules imported below, one per journey."""

from flask import Blueprint

bp = Blueprint("cases", __name__)

from casework.cases.views import case_page, flytip, help, log, queue, settings  # noqa: E402, F401
