"""Catalogue: regions, departments, halls, themes, items."""
