"""Placeholder: routes arrive with the journey that owns this module."""
