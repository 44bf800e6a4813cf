"""Open311 clients and their API keys."""
