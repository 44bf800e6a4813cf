"""Working-day calendar, service-level policies and deadline rows."""
