"""Partner agencies of the partnership, and (later) panels and referrals."""
