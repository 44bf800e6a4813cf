"""Risk assessments of ASB victims on a case."""

from flask import Blueprint

bp = Blueprint("risk", __name__)
