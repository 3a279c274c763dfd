"""Staff accounts, roles and scopes."""
