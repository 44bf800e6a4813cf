"""Enforcement actions (warning letter to prosecution), waste carrier checks, published prosecutions."""
