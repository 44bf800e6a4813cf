"""The performance report's pages."""
