"""Producing letters and notices, and editing their wording."""

from flask import Blueprint

bp = Blueprint("letters", __name__)
