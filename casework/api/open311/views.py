"""Open311 GeoReport v2 endpoints under /open311/v2/."""

from flask import Blueprint

bp = Blueprint("open311", __name__)
