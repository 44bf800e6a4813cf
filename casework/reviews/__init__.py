"""ASB Case Review (the "Community Trigger"): applications, threshold, deadlines, recommendations, appeals."""
