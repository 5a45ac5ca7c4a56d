"""The tendering app's part of the demo story."""


def load(story) -> None:
    return None
