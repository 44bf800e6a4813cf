"""Risk assessments of ASB victims."""
