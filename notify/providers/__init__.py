"""Providers that carry notifications to residents, one Protocol per kind."""
