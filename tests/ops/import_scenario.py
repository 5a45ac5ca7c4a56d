"""Steps of the killed-worker scenario, each run in its own process against a file database
(``python -m tests.ops.import_scenario STEP``, with ``DATABASE_URL`` set):

- ``setup``: a pilot and one large upload, matched and queued for the task worker; prints ids.
- ``enqueue BATCH``: queue the import task again (the rerun after a crash).
- ``check PILOT``: prints the record count, rollup problems and the batch statuses as JSON.
"""

import json
import os
import sys


def main(step, *args):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coplan.settings")
    import django

    django.setup()
    if step == "setup":
        setup(int(args[0]))
    elif step == "enqueue":
        from coplan.pilots import tasks
        from coplan.pilots.models import ImportBatch

        tasks.start_import(ImportBatch.objects.get(pk=int(args[0])))
    elif step == "check":
        check(int(args[0]))


def setup(rows: int):
    import datetime as dt
    from decimal import Decimal

    from django.core.files.uploadedfile import SimpleUploadedFile

    from coplan.partnerships.enums import Role
    from coplan.pilots import domain, importer, tasks
    from tests.factories import OrganisationFactory, PartnershipFactory, member
    from tests.pilots.conftest import csv_bytes, sample_rows

    partnership = PartnershipFactory()
    facilitator = member(partnership, Role.FACILITATOR)
    own, other = OrganisationFactory(name="Reuse Works"), OrganisationFactory(name="Beulah")
    member(partnership, Role.SE_PARTNER, organisation=own)
    member(partnership, Role.SE_PARTNER, organisation=other)
    pilot = domain.create_pilot(
        partnership=partnership,
        actor=facilitator,
        title="Furniture pilot",
        starts_on=dt.date(2006, 10, 1),
        ends_on=dt.date(2007, 3, 31),
        funding_amount=Decimal("120000"),
        funding_route="Council grant",
        services=[("Emergency storage", "storage day"), ("Emergency furniture packs", "pack")],
        providers=[own, other],
    )
    content = csv_bytes(sample_rows(own.name, other.name, count=rows))
    batch = domain.upload_file(
        pilot=pilot,
        actor=facilitator,
        file=SimpleUploadedFile("deliveries.csv", content),
        filename="deliveries.csv",
    )
    domain.queue_import(
        batch=batch, actor=facilitator, mapping=importer.Mapping.from_json(batch.mapping)
    )
    tasks.start_import(batch)
    print(json.dumps({"pilot": pilot.pk, "batch": batch.pk}))


def check(pilot_id: int):
    from coplan.pilots import rollups
    from coplan.pilots.models import DeliveryRecord, ImportBatch, MonthlyRollup

    print(
        json.dumps(
            {
                "records": DeliveryRecord.objects.filter(pilot_id=pilot_id).count(),
                "rollups": MonthlyRollup.objects.filter(pilot_id=pilot_id).count(),
                "problems": rollups.verify(pilot_id),
                "batches": list(
                    ImportBatch.objects.filter(pilot_id=pilot_id).values_list("status", flat=True)
                ),
            }
        )
    )


if __name__ == "__main__":
    main(*sys.argv[1:])
