"""Watchlists checked against the spike detector, alerts sent once, and the digest (#17)."""
