"""The Open311 blueprint: the API under /open311/v2/ and its admin pages under /admin/open311."""

from flask import Blueprint

bp = Blueprint("open311", __name__)
