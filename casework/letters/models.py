"""Letter templates (the council's wording) and generated letters."""
