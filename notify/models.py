"""Notification outbox."""
