"""The tender scoring engine, its API and the simulator page (issue 7)."""
