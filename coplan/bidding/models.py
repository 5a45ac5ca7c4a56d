"""Models of the bidding app."""
