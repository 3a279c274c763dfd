"""Citizens and their channel accounts."""
