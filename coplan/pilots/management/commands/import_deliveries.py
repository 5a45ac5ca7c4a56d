"""``coplan import-deliveries PILOT FILE``: the same checked, all-or-nothing import as an upload
through the web, from the command line, with a progress bar in the terminal."""

import json
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from coplan.core.columnar import errors_csv
from coplan.core.errors import DomainError
from coplan.core.models import User
from coplan.pilots import domain, importer
from coplan.pilots.enums import BatchStatus
from coplan.pilots.models import Pilot


class Bar:
    """``[#########-----------]  45%  450,000 / 1,000,000 rows  12.3 s``"""

    def __init__(self, stream, width=30):
        self.stream = stream
        self.width = width
        self.started = time.monotonic()
        self.last = -1.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < 0.1 and done < total:
            return
        self.last = now
        share = min(done / total, 1.0) if total else 0.0
        filled = int(self.width * share)
        self.stream.write(
            f"\r[{'#' * filled}{'-' * (self.width - filled)}] {share:4.0%}  "
            f"{done:,} / {total:,} rows  {now - self.started:.1f} s"
        )
        self.stream.flush()

    def finish(self):
        self.stream.write("\n")
        self.stream.flush()


class Command(BaseCommand):
    help = (
        "Import delivery records for a pilot from a CSV or XLSX file: every row is checked "
        "first and nothing is imported if any row is wrong."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "pilot", help="The pilot's id (or the partnership's, with --partnership)."
        )
        parser.add_argument("file", help="A CSV (UTF-8) or XLSX file, column names in row 1.")
        parser.add_argument(
            "--partnership", action="store_true", help="PILOT is the partnership's id."
        )
        parser.add_argument(
            "--as", dest="actor", metavar="EMAIL", help="Who the import is recorded as."
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="FIELD=COLUMN",
            help="Take FIELD from the column named COLUMN (repeatable); other fields are "
            f"matched by name. Fields: {', '.join(t.name for t in importer.TARGETS)}.",
        )
        parser.add_argument("--service", help="One service (by name) for every row.")
        parser.add_argument("--provider", help="One provider (by name) for every row.")
        parser.add_argument(
            "--no-extra", action="store_true", help="Do not keep unmatched columns as extra data."
        )
        parser.add_argument(
            "--errors", metavar="CSV", help="Write the errors of a rejected file to this CSV."
        )

    def handle(self, *args, **options):
        pilot = self._pilot(options)
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        actor = None
        if options["actor"]:
            actor = User.objects.filter(email=options["actor"].lower()).first()
            if actor is None:
                raise CommandError(f"No user with the email address {options['actor']}.")
        try:  # a refused file or matching keeps nothing: no batch, no preview, no copy
            batch = domain.upload_and_queue(
                pilot=pilot,
                actor=actor,
                file=path,
                filename=path.name,
                mapping=lambda stored: self._mapping(stored, pilot, options),
                via="cli",
            )
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            f"Importing {path.name} (about {batch.estimated_rows:,} rows) into “{pilot}”, "
            f"upload {batch.pk}."
        )
        bar = Bar(self.stderr if not options.get("no_color") else sys.stderr)
        outcome = importer.run(batch.pk, progress=bar)
        bar.finish()
        if outcome.status == BatchStatus.IMPORTED:
            self.stdout.write(self.style.SUCCESS(outcome.message))
            return
        for error in outcome.errors[:20]:
            column = (
                f", column {error['column']} ({error.get('header', '')})"
                if error.get("column")
                else ""
            )
            self.stderr.write(f"  Row {error['row']}{column}: {error['message']}")
        if options["errors"] and outcome.errors:
            Path(options["errors"]).write_bytes(errors_csv(outcome.errors))
            self.stderr.write(f"All listed errors written to {options['errors']}.")
        raise CommandError(outcome.message)

    def _pilot(self, options) -> Pilot:
        try:
            key = int(options["pilot"])
        except ValueError:
            raise CommandError("PILOT must be a number.") from None
        lookup = {"partnership_id": key} if options["partnership"] else {"pk": key}
        pilot = Pilot.objects.select_related("partnership").filter(**lookup).first()
        if pilot is None:
            raise CommandError(
                f"No pilot with {'partnership ' if options['partnership'] else ''}id {key}."
            )
        return pilot

    def _mapping(self, batch, pilot, options) -> importer.Mapping:
        mapping = importer.Mapping.from_json(batch.mapping)
        headers = {h.casefold(): i for i, h in enumerate(batch.columns) if h}
        for item in options["map"]:
            field, _, column = item.partition("=")
            if field not in importer.TARGETS_BY_NAME:
                raise CommandError(f"--map: “{field}” is not a field.")
            if column.casefold() not in headers:
                raise CommandError(f"--map: the file has no column “{column}”.")
            index = headers[column.casefold()]
            mapping.columns = {k: v for k, v in mapping.columns.items() if v != index}
            mapping.columns[field] = index
        for name in ("service", "provider"):
            value = options[name]
            if not value:
                continue
            if name == "service":
                found = pilot.services.filter(name__iexact=value).first()
                ident = found.pk if found else None
            else:
                found = pilot.providers.filter(organisation__name__iexact=value).first()
                ident = found.organisation_id if found else None
            if ident is None:
                raise CommandError(f"--{name}: “{value}” is not one of the pilot's {name}s.")
            mapping.fixed[name] = ident
            mapping.columns.pop(name, None)
        used = set(mapping.columns.values())
        mapping.extra = (
            []
            if options["no_extra"]
            else [i for i, h in enumerate(batch.columns) if h and i not in used]
        )
        if options.get("verbosity", 1) > 1:
            self.stdout.write(json.dumps(mapping.as_json()))
        return mapping
