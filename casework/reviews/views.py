"""ASB Case Review applications and the yearly publication table."""

from flask import Blueprint

bp = Blueprint("reviews", __name__)
