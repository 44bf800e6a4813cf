"""Boroughs and wards: the places a partnership serves (data, never hard-coded)."""
