import sys

from django.core.management.base import BaseCommand

from coplan.core import audit


class Command(BaseCommand):
    help = (
        "Check the audit log's hash chains (one per partnership, one for site-wide events): "
        "exits 0 if intact, 1 naming every edited or deleted entry. Prints every chain's head "
        "(chain, entries, last id, last hash): record them somewhere else to detect a rewritten "
        "chain later."
    )

    def handle(self, *args, **options):
        result = audit.verify()
        if result.ok:
            self.stdout.write(
                f"Audit log intact: {result.checked} entries in {len(result.heads)} chain(s)"
            )
        for head in result.heads:
            self.stdout.write(
                f"{head.chain}: {head.count} entries, last #{head.last_id}, "
                f"head {head.last_hash or 'none'}"
            )
        if result.ok:
            return
        for problem in result.problems:
            self.stderr.write(problem)
        self.stderr.write(
            f"Audit log TAMPERED: {len(result.problems)} problem(s) in {result.checked} entries."
        )
        sys.exit(1)
