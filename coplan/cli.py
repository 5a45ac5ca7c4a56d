"""The ``coplan`` console script: Django's management commands, plus ``demo``, ``serve`` and
``api-token``."""

import os
import sys

ALIASES = {
    "api-token": "api_token",
    "db-worker": "worker",
    "import-deliveries": "import_deliveries",
    "send-reminders": "send_reminders",
    "verify-audit": "verify_audit",
    "apply-retention": "apply_retention",
}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1:
        argv[1] = ALIASES.get(argv[1], argv[1])
        if argv[1] == "demo":
            os.environ.setdefault("COPLAN_DEMO", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coplan.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
