"""Email to members: SMTP settings, messages with one-click unsubscribe, daily digests."""
