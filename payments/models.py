"""Payment orders, events, refunds and the payment outbox."""
