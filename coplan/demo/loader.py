DEMO_PASSWORD = "illustrative-demo-2026"


def load_demo():
    return [], False
