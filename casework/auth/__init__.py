"""Users, roles, borough scope, sign-in, password and session rules."""
