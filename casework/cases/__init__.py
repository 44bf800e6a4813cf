"""The case: incidents, flytipping details, parties, evidence, notes, history and the workflow."""
