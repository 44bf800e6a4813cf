"""The dashboard report's pages."""
