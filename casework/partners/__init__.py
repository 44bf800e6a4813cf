"""Partner agencies and their contacts, panels and their meetings, referrals and the partner view."""
