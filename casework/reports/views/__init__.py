"""The reports blueprint; its routes live in the modules imported below, one per report."""

from flask import Blueprint

bp = Blueprint("reports", __name__)

from casework.reports.views import dashboard, flycapture, performance  # noqa: E402, F401
