"""Machine interfaces."""
