import sys

from django.core.management.base import BaseCommand

from coplan.core import audit


class Command(BaseCommand):
    help = (
        "Check the audit log's hash chain: exits 0 if intact, 1 naming every edited or deleted "
        "entry. Record the printed head hash somewhere else to detect a rewritten chain later."
    )

    def handle(self, *args, **options):
        result = audit.verify()
        if result.ok:
            self.stdout.write(
                f"Audit log intact: {result.checked} entries, head {result.head_hash or 'none'}"
            )
            return
        for problem in result.problems:
            self.stderr.write(problem)
        self.stderr.write(
            f"Audit log TAMPERED: {len(result.problems)} problem(s) in {result.checked} entries."
        )
        sys.exit(1)
