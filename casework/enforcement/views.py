"""Enforcement actions on a case, waste carrier checks and the public prosecutions page."""

from flask import Blueprint

bp = Blueprint("enforcement", __name__)
