"""Bulk import of delivery records, as a ratio of the database's own fastest bulk insert.

A deterministic CSV of ``COPLAN_BENCH_ROWS`` rows (default 200,000; the issue's figure is
1,000,000) is imported with the full path — hash and duplicate check, column-wise validation,
client identifiers pseudonymised, rollups updated, all or nothing in one transaction — and
compared, in the same run and into the same indexed table, with:

* PostgreSQL: ``COPY … FROM STDIN`` of the already-transformed rows (the target is ≥ 0.7);
* SQLite: one bare ``executemany`` of the already-transformed rows in one transaction (≥ 0.7).

Each side runs in its own child process (so its peak memory can be read) and twice; the best
of each is compared. ``COPLAN_BENCH_TABLE_ROWS`` first fills the table with that many rows of
another pilot, to measure inserting into a big indexed table.
"""

import multiprocessing
import os
import resource
import tempfile
import time
from pathlib import Path

from bench import harness

SERVICES = [
    ("Emergency storage", "storage day"),
    ("Emergency furniture packs", "pack"),
    ("Permanent furniture packs", "pack"),
]
PROVIDERS = ["RECAP", "Beulah Scotland", "St Patrick's Furniture Project"]
HEADER = [
    "service",
    "provider",
    "date",
    "quantity",
    "cost",
    "client_id",
    "referral_date",
    "satisfaction",
    "outcome",
    "notes",
]


def generate(path: Path, rows: int, seed: int = 7) -> None:
    """A deterministic delivery-records CSV, generated column-wise with polars."""
    import datetime as dt

    import polars as pl

    i = pl.int_range(0, rows, dtype=pl.Int64, eager=True)

    def noise(k: int):
        return ((i * 2654435761 + seed * 97 + k * 40503) % 4294967291).cast(pl.Int64)

    start = dt.date(2006, 10, 1)
    day = noise(1) % 182
    wait = noise(2) % 15
    frame = pl.DataFrame(
        {
            "service": pl.Series([SERVICES[k][0] for k in range(3)])[i % 3],
            "provider": pl.Series(PROVIDERS)[(i // 3) % 3],
            "day": day,
            "wait": wait,
            "quantity": (noise(3) % 5 + 1).cast(pl.String),
            "cost": ((noise(4) % 39500 + 500).cast(pl.Float64) / 100).round(2),
            "client": (noise(5) % 60000).cast(pl.String).str.zfill(6),
            "sat": noise(6) % 12,
            "outcome": pl.Series(["DELIVERED", "DELIVERED", "DELIVERED", "DECLINED"])[i % 4],
            "note": i % 7,
        }
    )
    frame = frame.select(
        pl.col("service"),
        pl.col("provider"),
        (pl.lit(start) + pl.duration(days=pl.col("day"))).dt.to_string("%Y-%m-%d").alias("date"),
        pl.col("quantity"),
        pl.col("cost").map_elements(lambda v: f"{v:.2f}", return_dtype=pl.String).alias("cost"),
        pl.format("C{}", pl.col("client")).alias("client_id"),
        (pl.lit(start) + pl.duration(days=pl.col("day") - pl.col("wait")))
        .dt.to_string("%Y-%m-%d")
        .alias("referral_date"),
        pl.when(pl.col("sat") < 5)
        .then((pl.col("sat") + 1).cast(pl.String))
        .otherwise(pl.lit(""))
        .alias("satisfaction"),
        pl.col("outcome"),
        pl.format("note {}", pl.col("note")).alias("notes"),
    )
    frame.write_csv(path)


def _fixture():
    import datetime as dt

    from coplan.core.models import Organisation, User
    from coplan.partnerships.models import Membership, Partnership
    from coplan.pilots import domain

    council, _ = Organisation.objects.get_or_create(
        name="Bench Council", defaults={"type": "local_authority"}
    )
    facilitator, _ = User.objects.get_or_create(
        email="bench.facilitator@example.org", defaults={"full_name": "Bench Facilitator"}
    )
    number = Partnership.objects.count() + 1
    partnership = Partnership.objects.create(
        title=f"Bench partnership {number}", service_area="Furniture", lead_authority=council
    )
    Membership.objects.create(
        partnership=partnership, user=facilitator, role="facilitator", organisation=council
    )
    providers = []
    for k, name in enumerate(PROVIDERS):
        org, _ = Organisation.objects.get_or_create(
            name=name, defaults={"type": "social_enterprise"}
        )
        person, _ = User.objects.get_or_create(
            email=f"bench.partner{k}@example.org", defaults={"full_name": f"Partner {k}"}
        )
        Membership.objects.create(
            partnership=partnership, user=person, role="se_partner", organisation=org
        )
        providers.append(org)
    pilot = domain.create_pilot(
        partnership=partnership,
        actor=facilitator,
        title="Bench pilot",
        starts_on=dt.date(2006, 10, 1),
        ends_on=dt.date(2007, 3, 31),
        services=SERVICES,
        providers=providers,
    )
    domain.save_kpi(
        pilot=pilot,
        actor=facilitator,
        name="Delivered within 5 working days",
        definition="Share of deliveries within 5 working days of referral",
        unit="%",
        target=80,
        source="Delivery records",
        method="records",
        aggregation="percentage",
        condition_field="wait_working_days",
        condition_op="lte",
        condition_value="5",
    )
    domain.save_kpi(
        pilot=pilot,
        actor=facilitator,
        name="Cost per unit",
        definition="Cost per unit delivered",
        unit="£",
        target=100,
        direction="lower",
        source="Delivery records",
        method="records",
        aggregation="per_unit",
        measure="cost",
    )
    return pilot, facilitator


def _baseline_rows(pilot, csv_path, batch_id=None):
    """The same rows, already transformed, as the importer would write them (for a batch)."""
    import polars as pl

    from coplan.core.columnar import inspect_file
    from coplan.pilots import importer
    from coplan.pilots.models import ImportBatch

    info = inspect_file(csv_path, csv_path.name)
    batch = ImportBatch(
        pilot=pilot,
        pk=0,
        columns=info.columns,
        mapping=importer.guess_mapping(info.columns).as_json(),
        format="csv",
    )
    ctx = importer._Context(batch)
    frame = pl.read_csv(
        csv_path,
        infer_schema=False,
        new_columns=[f"c{i}" for i in range(len(info.columns))],
    ).with_row_index("_row", offset=2)
    typed = ctx.transform(ctx.parse(ctx.clean(frame)))
    return typed.with_columns(pl.lit(batch_id, dtype=pl.Int64).alias("batch_id"))


def _peak_mb() -> float:
    """This process's peak resident memory. ``VmHWM`` belongs to the process's own address
    space; ``ru_maxrss`` would carry over the parent's peak across the spawn's exec."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(kind: str, url: str, csv_path: str, pilot_id: int, user_id: int, results):
    harness.setup_django(url)
    import polars  # noqa: F401  loading libraries is not part of either side's time
    from django.db import connection, transaction

    from coplan.core.models import User
    from coplan.pilots import domain, importer
    from coplan.pilots.models import ImportBatch, Pilot

    pilot = Pilot.objects.select_related("partnership").get(pk=pilot_id)
    path = Path(csv_path)
    if kind == "import":
        user = User.objects.get(pk=user_id)
        started = time.perf_counter()
        batch = domain.upload_file(
            pilot=pilot, actor=user, file=path, filename=path.name, via="cli"
        )
        domain.queue_import(
            batch=batch, actor=user, mapping=importer.Mapping.from_json(batch.mapping)
        )
        outcome = importer.run(batch.pk)
        seconds = time.perf_counter() - started
        assert outcome.status == "imported", outcome.message
        rows = outcome.imported
        domain.revert_batch(batch=batch, actor=user, reason="bench")
        batch.delete()
    else:
        batch = ImportBatch.objects.create(pilot=pilot, filename="baseline", sha256="-")
        typed = _baseline_rows(pilot, path, batch.pk)
        rows = typed.height
        if connection.vendor == "postgresql":
            payloads = [
                importer._CopyWriter.prepare(part.select(importer.COLUMNS))
                for part in typed.iter_slices(importer.CHUNK_ROWS)
            ]
            started = time.perf_counter()
            with transaction.atomic(), connection.cursor() as cursor:
                columns = ", ".join(importer.COLUMNS)
                with cursor.copy(
                    f"COPY {importer.TABLE} ({columns}) FROM STDIN (FORMAT csv)"
                ) as copy:
                    for payload in payloads:
                        copy.write(payload)
            seconds = time.perf_counter() - started
        else:
            payload = importer._ManyWriter.prepare(typed.select(importer.COLUMNS))
            marks = ", ".join("?" for _ in importer.COLUMNS)
            sql = f"INSERT INTO {importer.TABLE} ({', '.join(importer.COLUMNS)}) VALUES ({marks})"
            connection.ensure_connection()
            started = time.perf_counter()
            with transaction.atomic():
                connection.connection.cursor().executemany(sql, payload)
            seconds = time.perf_counter() - started
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {importer.TABLE} WHERE pilot_id = %s", [pilot_id])
        ImportBatch.objects.filter(pk=batch.pk).delete()
    with connection.cursor() as cursor:  # both sides start from an unbloated table
        cursor.execute(
            f"VACUUM {importer.TABLE}" if connection.vendor == "postgresql" else "VACUUM"
        )
    results.put(
        {
            "kind": kind,
            "rows": rows,
            "seconds": seconds,
            "peak_mb": _peak_mb(),
        }
    )


def _measure(kind, url, csv_path, pilot_id, user_id):
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    process = context.Process(
        target=_child, args=(kind, url, str(csv_path), pilot_id, user_id, results)
    )
    process.start()
    result = results.get()
    process.join()
    return result


def _fill(url: str, rows: int) -> None:
    """Background rows of another pilot, so inserts go into a big indexed table."""
    if rows <= 0:
        return
    from django.db import connection, transaction

    from coplan.pilots import importer

    pilot, _ = _fixture()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "background.csv"
        generate(path, rows, seed=11)
        typed = _baseline_rows(pilot, path)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with (
                connection.cursor() as cursor,
                cursor.copy(
                    f"COPY {importer.TABLE} ({', '.join(importer.COLUMNS)}) FROM STDIN (FORMAT csv)"
                ) as copy,
            ):
                copy.write(importer._CopyWriter.prepare(typed.select(importer.COLUMNS)))
        else:
            writer = importer._ManyWriter()
            writer.write(writer.prepare(typed.select(importer.COLUMNS)))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def run(seconds: float) -> dict:
    rows = int(os.environ.get("COPLAN_BENCH_ROWS", "200000"))
    background = int(os.environ.get("COPLAN_BENCH_TABLE_ROWS", "0"))
    with harness.database() as url, tempfile.TemporaryDirectory() as tmp:
        os.environ["COPLAN_MEDIA_ROOT"] = tmp
        harness.setup_django(url)
        from django.db import connection

        vendor = connection.vendor
        _fill(url, background)
        pilot, user = _fixture()
        csv_path = Path(tmp) / f"deliveries-{rows}.csv"
        started = time.perf_counter()
        generate(csv_path, rows)
        print(
            f"Generated {rows:,} rows ({csv_path.stat().st_size / 1e6:.0f} MB) in "
            f"{time.perf_counter() - started:.1f} s; table holds {background:,} other rows"
        )
        connection.close()
        measured = {"baseline": [], "import": []}
        for _ in range(2):
            for kind in ("baseline", "import"):
                measured[kind].append(_measure(kind, url, csv_path, pilot.pk, user.pk))
    best = {kind: min(runs, key=lambda r: r["seconds"]) for kind, runs in measured.items()}
    base_label = "COPY FROM STDIN" if vendor == "postgresql" else "bare executemany"
    print(f"Delivery records import vs {base_label} ({vendor}, {rows:,} rows, same run)")
    for kind, label in (("baseline", base_label), ("import", "coplan import (full path)")):
        r = best[kind]
        print(
            f"  {label:<40} {r['rows'] / r['seconds']:>10,.0f} rows/s  "
            f"({r['seconds']:.2f} s, peak {r['peak_mb']:.0f} MB)"
        )
    ratio = best["baseline"]["seconds"] / best["import"]["seconds"]
    print(f"  ratio (import / {base_label}): {ratio:.3f}  (target ≥ 0.7)")
    return {
        "import_vs_baseline": ratio,
        "import_peak_mb": best["import"]["peak_mb"],
        "vendor": vendor,
        "rows": rows,
    }
