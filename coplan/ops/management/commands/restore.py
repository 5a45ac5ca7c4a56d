import subprocess

from django.core.management.base import BaseCommand, CommandError

from coplan.ops.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `coplan backup`: checks every checksum first, and refuses a "
        "database that already holds people unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a non-empty database and the uploaded files. Irreversible.",
        )

    def handle(self, *args, archive, force=False, **options):
        try:
            manifest = restore(archive, force=force)
        except (BackupError, OSError) as exc:
            raise CommandError(f"Restore refused: {exc}") from exc
        except subprocess.CalledProcessError as exc:
            raise CommandError(f"Restore failed: {exc.stderr.decode(errors='replace')}") from exc
        files = sum(1 for f in manifest["files"] if f["name"].startswith("media/"))
        self.stdout.write(
            f"Restored the {manifest['database']['engine']} database and {files} file(s) from "
            f"the backup of {manifest['created_at']}. Run `coplan migrate` if this release is "
            "newer than the backup."
        )
