"""Models of the tendering app."""
