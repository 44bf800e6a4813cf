"""Risk assessment of ASB victims: the questionnaire as data, scoring, and what high risk sets off."""
