"""WeChat official-account records (message de-duplication)."""
