"""Health-check providers and gate criteria registered by this app."""
