"""Bulk import of delivery records: streamed, checked column-wise, written all or nothing.

One pass over the file, inside one transaction:

1. each chunk of rows (50,000 at a time) is checked column by column with polars
   expressions — dates, numbers, services and providers, lengths, formulas — and every failing
   cell becomes a row- and column-numbered error;
2. while no chunk has failed, the chunk is transformed (client identifiers hashed, waiting
   days computed, extra columns packed as JSON) and written: PostgreSQL ``COPY FROM STDIN`` in
   CSV form, SQLite one ``executemany``, anything else ``executemany``; its rollup sums are
   added up in polars;
3. once a chunk fails, nothing more is written but every later chunk is still checked, so the
   person gets all the errors at once; at the end the transaction rolls back;
4. otherwise the rollups are updated, the batch is marked imported and audited, and the
   transaction commits: the records and the rollups appear together or not at all.

Progress is reported outside the transaction (a second connection on PostgreSQL; a small file
next to the upload on SQLite, whose single writer is busy importing), so a progress bar can
poll it while the import runs.
"""

import contextlib
import datetime as dt
import json
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction

from coplan.core import audit, clock
from coplan.core.columnar import FORMULA_PATTERN, CellError, Checks, internal, iter_chunks
from coplan.core.errors import DomainError
from coplan.core.uploads import delete_stored

from . import compute, rollups
from .enums import BatchStatus
from .models import DeliveryRecord, ImportBatch, PilotProvider, PilotService
from .pseudonym import Pseudonymiser
from .xlsx_formulas import formula_cells

logger = logging.getLogger(__name__)

CHUNK_ROWS = 20000
MAX_ERRORS = 1000
TEXT_LIMIT = 500
TABLE = DeliveryRecord._meta.db_table
COLUMNS = [
    "pilot_id",
    "service_id",
    "provider_id",
    "batch_id",
    "delivered_on",
    "month",
    "quantity",
    "unit",
    "cost",
    "client_ref",
    "referred_on",
    "wait_days",
    "wait_working_days",
    "satisfaction",
    "outcome_code",
    "extra",
]


@dataclass(frozen=True)
class Target:
    name: str
    label: str
    required: bool
    hint: str
    synonyms: tuple[str, ...]
    fixed: bool = False  # may be one value for every row instead of a column
    limit: int = 200


TARGETS = [
    Target(
        "service",
        "Service",
        True,
        "The service's name, as on the pilot page.",
        ("service", "service name", "service type", "lot"),
        fixed=True,
    ),
    Target(
        "provider",
        "Provider",
        True,
        "The delivering organisation's name.",
        ("provider", "organisation", "organization", "delivered by", "partner", "project"),
        fixed=True,
    ),
    Target(
        "delivered_on",
        "Date delivered",
        True,
        "YYYY-MM-DD or DD/MM/YYYY, within the pilot.",
        ("date", "delivery date", "delivered on", "delivered", "date delivered", "visit date"),
    ),
    Target(
        "quantity",
        "Quantity",
        True,
        "How many units, like 1 or 2.5; never negative.",
        ("quantity", "qty", "units", "number", "amount delivered", "hours"),
    ),
    Target(
        "unit", "Unit", False, "Defaults to the service's unit.", ("unit", "units of"), limit=40
    ),
    Target(
        "cost",
        "Cost (£)",
        True,
        "The cost of the delivery in pounds, like 125.50.",
        ("cost", "cost (£)", "cost £", "cost gbp", "price", "amount"),
    ),
    Target(
        "client_id",
        "Client identifier",
        False,
        "Hashed on import: the raw identifier is never stored.",
        ("client", "client id", "client ref", "client reference", "service user", "person id"),
        limit=100,
    ),
    Target(
        "referred_on",
        "Referral date",
        False,
        "On or before the delivery date.",
        ("referral date", "referred on", "referred", "date referred", "referral"),
    ),
    Target(
        "satisfaction",
        "Satisfaction (1–5)",
        False,
        "A whole number from 1 to 5, or blank.",
        ("satisfaction", "rating", "satisfaction score", "satisfaction (1-5)"),
    ),
    Target(
        "outcome_code",
        "Outcome code",
        False,
        "A short code, like DELIVERED or DECLINED.",
        ("outcome", "outcome code", "result", "status"),
        limit=40,
    ),
]
TARGETS_BY_NAME = {t.name: t for t in TARGETS}


def normalise_name(text: str) -> str:
    """'St Patrick’s  Furniture Project' → 'st patricks furniture project'."""
    text = str(text).lower().replace("_", " ").replace("-", " ")
    kept = "".join(ch for ch in text if ch.isalnum() or ch.isspace())
    return " ".join(kept.split())


@dataclass
class Mapping:
    columns: dict[str, int] = field(default_factory=dict)  # target → column index
    fixed: dict[str, int] = field(default_factory=dict)  # service/provider → id for every row
    extra: list[int] = field(default_factory=list)  # column indexes kept as extra data

    def as_json(self) -> dict:
        return {"columns": self.columns, "fixed": self.fixed, "extra": self.extra}

    @classmethod
    def from_json(cls, data: dict | None) -> "Mapping":
        data = data or {}
        return cls(
            columns={k: int(v) for k, v in (data.get("columns") or {}).items()},
            fixed={k: int(v) for k, v in (data.get("fixed") or {}).items()},
            extra=[int(i) for i in data.get("extra") or []],
        )


def guess_mapping(headers: list[str]) -> Mapping:
    """Match headers to fields by name; keep every other named column as extra data."""
    mapping = Mapping()
    taken = set()
    by_name = {normalise_name(h): i for i, h in enumerate(headers) if h}
    for target in TARGETS:
        for synonym in (target.name.replace("_", " "), *target.synonyms):
            index = by_name.get(normalise_name(synonym))
            if index is not None and index not in taken:
                mapping.columns[target.name] = index
                taken.add(index)
                break
    mapping.extra = [i for i, h in enumerate(headers) if h and i not in taken]
    return mapping


def check_mapping(mapping: Mapping, headers: list[str], pilot) -> None:
    """Every required field mapped (or fixed), no column used twice, fixed values valid."""
    problems = []
    used = {}
    for name, index in mapping.columns.items():
        if name not in TARGETS_BY_NAME:
            problems.append(f"“{name}” is not a delivery record field.")
        elif not 0 <= index < len(headers) or not headers[index]:
            problems.append(f"{TARGETS_BY_NAME[name].label}: choose a column of the file.")
        elif index in used:
            problems.append(
                f"The column “{headers[index]}” is chosen for both "
                f"{TARGETS_BY_NAME[used[index]].label} and {TARGETS_BY_NAME[name].label}."
            )
        else:
            used[index] = name
    for index in mapping.extra:
        if not 0 <= index < len(headers) or not headers[index]:
            problems.append("Extra columns must be named columns of the file.")
        elif index in used:
            problems.append(f"The column “{headers[index]}” cannot be both a field and extra data.")
    if (
        "service" in mapping.fixed
        and not pilot.services.filter(pk=mapping.fixed["service"]).exists()
    ):
        problems.append("The fixed service is not one of this pilot's services.")
    if (
        "provider" in mapping.fixed
        and not pilot.providers.filter(organisation_id=mapping.fixed["provider"]).exists()
    ):
        problems.append("The fixed provider is not one of this pilot's providers.")
    for target in TARGETS:
        if (
            target.required
            and target.name not in mapping.columns
            and target.name not in (mapping.fixed if target.fixed else {})
        ):
            how = " or choose one value for every row" if target.fixed else ""
            problems.append(f"{target.label}: choose the column that holds it{how}.")
    if problems:
        raise DomainError(
            "The columns are not matched yet: " + " ".join(problems),
            code="mapping_incomplete",
            field="mapping",
            data={"problems": problems},
        )


# --- the pass over the file --------------------------------------------------------------


class _Rejected(Exception):
    pass


@dataclass
class Outcome:
    status: str
    imported: int = 0
    error_count: int = 0
    errors: list[dict] = field(default_factory=list)
    message: str = ""


class _Context:
    """What checking and transforming a chunk needs, loaded once before the pass (the worker
    thread that runs the polars work never touches the database)."""

    def __init__(self, batch: ImportBatch):
        import polars as pl

        pilot = batch.pilot
        self.pl = pl
        self.batch = batch
        self.pilot = pilot
        self.headers = list(batch.columns)
        self.mapping = Mapping.from_json(batch.mapping)
        services = list(PilotService.objects.filter(pilot=pilot))
        self.services = {normalise_name(s.name): s.pk for s in services}
        self.service_units = {s.pk: s.unit for s in services}
        self.service_names = [s.name for s in services]
        providers = list(PilotProvider.objects.filter(pilot=pilot).select_related("organisation"))
        self.providers = {normalise_name(p.organisation.name): p.organisation_id for p in providers}
        self.provider_names = {p.organisation_id: p.organisation.name for p in providers}
        self.allowed = set(batch.allowed_providers) if batch.allowed_providers is not None else None
        self.today = clock.today()
        self.specs = rollups.record_specs(pilot.pk)
        self.pseudonymise = Pseudonymiser(pilot.pk)
        self.monthly: dict = {}
        self.kpi_parts: dict = {}
        self.extra_names = {internal(i): self.headers[i] for i in self.mapping.extra}
        self.formula_cells: set[tuple[int, int]] = set()  # listed XLSX formula cells
        self._checks = None

    def col(self, target: str) -> str | None:
        index = self.mapping.columns.get(target)
        return internal(index) if index is not None else None

    def has(self, target: str) -> bool:
        return target in self.mapping.columns

    # expressions ------------------------------------------------------------------------
    def clean(self, frame):
        """Strip every used cell, treat blanks as missing, drop rows with nothing in them."""
        pl = self.pl
        used = [internal(i) for i in (*self.mapping.columns.values(), *self.mapping.extra)]
        frame = frame.with_columns(
            pl.col(c).str.strip_chars().replace("", None).alias(c) for c in used
        )
        return frame.filter(pl.any_horizontal(pl.col(c).is_not_null() for c in used))

    def _date(self, name):
        pl = self.pl
        c = pl.col(name)
        with_time = c.str.contains(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$")
        return pl.coalesce(
            c.str.to_date("%Y-%m-%d", strict=False),
            c.str.to_date("%d/%m/%Y", strict=False),
            pl.when(with_time).then(c.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)),
        )

    def _ids(self, frame, name, table: dict):
        """Names → ids, normalising each distinct name once (a chunk of 20,000 rows names
        three services), then mapping the column in one pass."""
        pl = self.pl
        distinct = frame.get_column(name).drop_nulls().unique().to_list()
        mapping = {value: table.get(normalise_name(value)) for value in distinct}
        return pl.col(name).replace_strict(mapping, default=None, return_dtype=pl.Int64)

    def parse(self, frame):
        """Each mapped cell parsed once, into ``_``-prefixed columns the checks and the
        transform share."""
        pl = self.pl
        m = self.mapping
        columns = {}
        if self.has("service"):
            columns["_service"] = self._ids(frame, self.col("service"), self.services)
        else:
            columns["_service"] = pl.lit(m.fixed["service"], dtype=pl.Int64)
        if self.has("provider"):
            columns["_provider"] = self._ids(frame, self.col("provider"), self.providers)
        else:
            columns["_provider"] = pl.lit(m.fixed["provider"], dtype=pl.Int64)
        columns["_delivered"] = self._date(self.col("delivered_on"))
        columns["_referred"] = (
            self._date(self.col("referred_on"))
            if self.has("referred_on")
            else pl.lit(None, dtype=pl.Date)
        )
        columns["_cost"] = pl.col(self.col("cost")).str.replace(r"^£", "").str.replace_all(",", "")
        return frame.with_columns(**columns)

    # checks -----------------------------------------------------------------------------
    def checks(self) -> Checks:
        if self._checks is None:
            self._checks = self._build_checks()
        return self._checks

    def _build_checks(self) -> Checks:
        pl = self.pl
        checks = Checks(self.headers)
        formula = "looks like a spreadsheet formula: enter the value itself, not a formula"
        for target in TARGETS:
            if not self.has(target.name):
                continue
            index = self.mapping.columns[target.name]
            c = pl.col(internal(index))
            if target.required:
                checks.add(
                    index, c.is_null(), f"is empty: every row needs a {target.label.lower()}"
                )
            checks.add(
                index,
                c.str.len_chars() > target.limit,
                pl.format(
                    "is {} characters long; the most allowed here is " + str(target.limit),
                    c.str.len_chars(),
                ),
            )
            if target.name not in ("quantity", "cost"):
                checks.add(index, c.str.contains(FORMULA_PATTERN), formula)
            getattr(self, f"_check_{target.name}", lambda *a: None)(checks, index, c)
        for index in self.mapping.extra:
            c = pl.col(internal(index))
            checks.add(
                index,
                c.str.len_chars() > TEXT_LIMIT,
                pl.format(
                    "is {} characters long; extra columns keep at most " + str(TEXT_LIMIT),
                    c.str.len_chars(),
                ),
            )
            checks.add(index, c.str.contains(FORMULA_PATTERN), formula)
        return checks

    def _check_service(self, checks, index, c):
        names = ", ".join(f"“{n}”" for n in self.service_names) or "none yet"
        checks.add(
            index,
            self.pl.col("_service").is_null(),
            f"is not one of this pilot's services ({names})",
        )

    def _check_provider(self, checks, index, c):
        ids = self.pl.col("_provider")
        names = ", ".join(f"“{n}”" for n in self.provider_names.values()) or "none yet"
        checks.add(index, ids.is_null(), f"is not one of this pilot's providers ({names})")
        if self.allowed is not None:
            own = " or ".join(f"“{self.provider_names.get(i, i)}”" for i in sorted(self.allowed))
            checks.add(
                index,
                ~ids.is_in(list(self.allowed)),
                f"you can record deliveries only for your own organisation ({own or 'none'})",
            )

    def _d(self, day: dt.date) -> str:
        return f"{day.day} {day:%B %Y}"

    def _check_delivered_on(self, checks, index, c):
        parsed = self.pl.col("_delivered")
        checks.add(
            index,
            parsed.is_null(),
            "is not a date: write it as YYYY-MM-DD or DD/MM/YYYY, like 2006-10-31",
        )
        checks.add(index, parsed > self.today, "is in the future")
        first, last = self.pilot.starts_on, self.pilot.last_day
        checks.add(
            index,
            (parsed < first) | (parsed > last),
            f"is outside the pilot ({self._d(first)} to {self._d(last)})",
        )

    def _check_referred_on(self, checks, index, c):
        parsed = self.pl.col("_referred")
        checks.add(
            index,
            c.is_not_null() & parsed.is_null(),
            "is not a date: write it as YYYY-MM-DD or DD/MM/YYYY, like 2006-10-31",
        )
        checks.add(
            index,
            parsed > self.pl.col("_delivered"),
            "is after the delivery date: a referral comes before the delivery",
        )

    def _number_checks(self, checks, index, value, digits, what, example):
        checks.add(
            index,
            value.str.contains(r"^[=+@]") | value.str.contains(FORMULA_PATTERN),
            "looks like a spreadsheet formula: enter the number itself, not a formula",
        )
        checks.add(index, value.str.contains(r"^-\s*\d"), f"is negative: a {what} is never below 0")
        checks.add(
            index,
            value.is_not_null() & ~value.str.contains(rf"^\d{{1,{digits}}}(\.\d{{1,2}})?$"),
            f"is not a {what}: enter a number with at most 2 decimal places, like {example}",
        )

    def _check_quantity(self, checks, index, c):
        self._number_checks(checks, index, c, 8, "quantity", "1 or 2.5")

    def _check_cost(self, checks, index, c):
        self._number_checks(checks, index, self.pl.col("_cost"), 12, "cost", "125.50")

    def _check_satisfaction(self, checks, index, c):
        checks.add(
            index,
            c.is_not_null() & ~c.str.contains(r"^[1-5]$"),
            "is not a satisfaction score: enter a whole number from 1 to 5, or leave it blank",
        )

    # transform --------------------------------------------------------------------------
    def transform(self, frame):
        """A checked, parsed chunk as rows of the records table (``COLUMNS``)."""
        pl = self.pl
        optional = {
            "_unit": ("unit", pl.String),
            "_client": ("client_id", pl.String),
            "_satisfaction": ("satisfaction", pl.Int16),
            "_outcome": ("outcome_code", pl.String),
        }
        extra = (
            pl.struct(
                [pl.col(c).alias(header) for c, header in self.extra_names.items()]
            ).struct.json_encode()
            if self.extra_names
            else pl.lit("{}")
        )
        typed = frame.select(
            pl.lit(self.pilot.pk, dtype=pl.Int64).alias("pilot_id"),
            pl.col("_service").alias("service_id"),
            pl.col("_provider").alias("provider_id"),
            pl.lit(self.batch.pk, dtype=pl.Int64).alias("batch_id"),
            pl.col("_delivered").alias("delivered_on"),
            pl.col(self.col("quantity")).cast(pl.Decimal(10, 2)).alias("quantity"),
            pl.col("_cost").cast(pl.Decimal(14, 2)).alias("cost"),
            pl.col("_referred").alias("referred_on"),
            extra.alias("extra"),
            *[
                (
                    pl.col(self.col(t)).cast(dtype) if self.has(t) else pl.lit(None, dtype=dtype)
                ).alias(alias)
                for alias, (t, dtype) in optional.items()
            ],
        )
        typed = typed.with_columns(
            pl.col("delivered_on").dt.truncate("1mo").alias("month"),
            (pl.col("delivered_on") - pl.col("referred_on"))
            .dt.total_days()
            .cast(pl.Int32)
            .alias("wait_days"),
            pl.when(pl.col("referred_on").is_not_null())
            .then(pl.business_day_count(pl.col("referred_on"), pl.col("delivered_on")))
            .cast(pl.Int32)
            .alias("wait_working_days"),
            pl.coalesce(
                pl.col("_unit"),
                pl.col("service_id").replace_strict(
                    self.service_units, default="", return_dtype=pl.String
                ),
            ).alias("unit"),
            pl.col("_satisfaction").alias("satisfaction"),
            pl.col("_outcome").fill_null("").alias("outcome_code"),
        )
        if self.has("client_id"):
            refs = self.pseudonymise.series(frame.get_column(self.col("client_id")))
        else:
            refs = pl.Series("client_ref", [""] * typed.height, dtype=pl.String)
        return typed.with_columns(refs.alias("client_ref")).select(COLUMNS)

    def account(self, typed) -> None:
        for key, sums in compute.frame_monthly(typed).items():
            compute.Parts(self.monthly.setdefault(key, {})).add(
                {f: sums[f] for f in compute.MONTHLY_FIELDS}
            )
        for key, sums in compute.frame_kpi_parts(typed, self.specs).items():
            compute.Parts(self.kpi_parts.setdefault(key, {})).add(
                {f: sums[f] for f in compute.KPI_FIELDS}
            )


# --- writers -------------------------------------------------------------------------------


class _CopyWriter:
    """PostgreSQL ``COPY … FROM STDIN`` in CSV form, fed chunk by chunk."""

    def __init__(self):
        self.cursor = connection.cursor()
        sql = f"COPY {TABLE} ({', '.join(COLUMNS)}) FROM STDIN (FORMAT csv)"
        self._context = self.cursor.copy(sql)
        self.copy = self._context.__enter__()

    @staticmethod
    def prepare(typed):
        """Runs in the worker thread: the chunk as CSV text for COPY."""
        return typed.write_csv(include_header=False, quote_style="non_numeric")

    def write(self, payload) -> None:
        self.copy.write(payload)

    def close(self, error: BaseException | None = None) -> None:
        try:
            if error is None:
                self._context.__exit__(None, None, None)
            else:
                self._context.__exit__(type(error), error, error.__traceback__)
        finally:
            self.cursor.close()


class _ManyWriter:
    """One prepared INSERT run with ``executemany`` per chunk (SQLite's fastest path)."""

    def __init__(self):
        connection.ensure_connection()
        if connection.vendor == "sqlite":
            marks = ", ".join("?" for _ in COLUMNS)
            self.cursor = connection.connection.cursor()
        else:
            marks = ", ".join("%s" for _ in COLUMNS)
            self.cursor = connection.cursor()
        self.sql = f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}) VALUES ({marks})"

    @staticmethod
    def prepare(typed):
        """Runs in the worker thread: the chunk as a list of row tuples of plain values."""
        import polars as pl

        typed = typed.with_columns(
            pl.col("delivered_on", "month", "referred_on").dt.to_string("%Y-%m-%d"),
            pl.col("quantity", "cost").cast(pl.String),
        )
        return list(zip(*(typed.get_column(c).to_list() for c in COLUMNS), strict=True))

    def write(self, payload) -> None:
        self.cursor.executemany(self.sql, payload)

    def close(self, error: BaseException | None = None) -> None:
        self.cursor.close()


def writer():
    return _CopyWriter() if connection.vendor == "postgresql" else _ManyWriter()


# --- progress ------------------------------------------------------------------------------


def _progress_file(batch_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "pilot-imports" / "progress" / f"{batch_id}.json"


class ProgressSink:
    """Reports rows done outside the import's transaction, at most every ``interval`` s."""

    def __init__(self, batch: ImportBatch, callback: Callable | None = None, interval=0.5):
        self.batch_id = batch.pk
        self.callback = callback
        self.interval = interval
        self.last = 0.0
        self.side = None
        self.path = None
        if connection.vendor == "postgresql":
            self.side = connections.create_connection(DEFAULT_DB_ALIAS)
        else:
            self.path = _progress_file(batch.pk)
            self.path.parent.mkdir(parents=True, exist_ok=True)

    def __call__(self, processed: int, total: int, *, force: bool = False) -> None:
        if self.callback and (processed, total) != getattr(self, "_told", None):
            self._told = (processed, total)
            self.callback(processed, total)
        now = time.monotonic()
        if not force and now - self.last < self.interval:
            return
        self.last = now
        if self.side is not None:
            with self.side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {ImportBatch._meta.db_table} SET processed_rows = %s, "
                    "total_rows = %s WHERE id = %s",
                    [processed, total, self.batch_id],
                )
        elif self.path is not None:
            self.path.write_text(json.dumps({"processed": processed, "total": total}))

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
        if self.path is not None:
            self.path.unlink(missing_ok=True)


def live_progress(batch: ImportBatch) -> tuple[int, int]:
    """(rows done, rows expected) for a running batch, wherever the importer reports it."""
    total = batch.total_rows or batch.estimated_rows
    if batch.status == BatchStatus.RUNNING and connection.vendor != "postgresql":
        try:
            data = json.loads(_progress_file(batch.pk).read_text())
            return int(data["processed"]), int(data["total"]) or total
        except (OSError, ValueError, KeyError):
            pass
    return batch.processed_rows, total


# --- the import ----------------------------------------------------------------------------


def _finish(batch: ImportBatch, outcome: Outcome, actor=None) -> Outcome:
    """Record a batch that was not imported. A rejected file is never used again: the file and
    its preview rows (raw client identifiers) go; the errors stay, to fix the file by."""
    batch.status = outcome.status
    batch.error_count = outcome.error_count
    batch.errors = outcome.errors
    batch.message = outcome.message
    batch.finished_at = clock.now()
    fields = ["status", "error_count", "errors", "message", "finished_at"]
    fields += ["processed_rows", "total_rows"]
    with transaction.atomic():
        if outcome.status == BatchStatus.REJECTED and batch.file:
            stored = (batch.file.storage, batch.file.name)
            transaction.on_commit(lambda: delete_stored(stored))
            batch.file, batch.preview = "", []
            fields += ["file", "preview"]
        batch.save(update_fields=fields)
        audit.log(
            actor=actor,
            action=f"pilots.batch.{outcome.status}",
            obj=batch,
            partnership=batch.pilot.partnership,
            data={
                "filename": batch.filename,
                "errors": outcome.error_count,
                "message": outcome.message[:300],
            },
        )
    return outcome


def run(batch_id: int, *, progress: Callable | None = None) -> Outcome:
    """Check and import a queued batch; never raises for a bad file (the batch says why)."""
    batch = ImportBatch.objects.select_related("pilot__partnership", "uploaded_by").get(pk=batch_id)
    actor = batch.uploaded_by
    if batch.status not in (BatchStatus.QUEUED, BatchStatus.RUNNING):
        return Outcome(batch.status, batch.imported_rows, batch.error_count, batch.errors)
    batch.status = BatchStatus.RUNNING
    batch.started_at = clock.now()
    batch.processed_rows = 0
    batch.total_rows = batch.estimated_rows
    batch.save(update_fields=["status", "started_at", "processed_rows", "total_rows"])
    sink = ProgressSink(batch, progress)
    try:
        outcome = _import(batch, sink)
    except DomainError as error:
        outcome = Outcome(
            BatchStatus.REJECTED,
            error_count=max(1, len(error.data.get("errors", []))),
            errors=error.data.get("errors", []),
            message=error.message,
        )
    except Exception as error:  # an unexpected failure: nothing was written
        logger.exception("Import of batch %s failed", batch_id)
        outcome = Outcome(
            BatchStatus.FAILED,
            message=f"The import failed unexpectedly ({type(error).__name__}); nothing was "
            "imported. Try again, or ask the site administrator.",
        )
    finally:
        sink.close()
    if outcome.status != BatchStatus.IMPORTED:
        batch.refresh_from_db(fields=["processed_rows"])
        _finish(batch, outcome, actor)
    return outcome


@dataclass
class _Pass:
    """What the worker thread found: rows seen, rows ready to write, errors."""

    done: int = 0
    imported: int = 0
    errors: list = field(default_factory=list)
    error_count: int = 0


def _produce(
    ctx: _Context,
    batch: ImportBatch,
    prepare,
    out: queue.Queue,
    stop: threading.Event,
    state: _Pass,
) -> None:
    """The worker thread: read, check and transform chunk after chunk (polars releases the
    GIL, so this overlaps with the database writing the previous chunk). Once any chunk has
    errors, later chunks are only checked, so every error is reported but nothing more is
    prepared for writing."""
    try:
        chunks = iter_chunks(batch.file.path, batch.format, len(ctx.headers), chunk_rows=CHUNK_ROWS)
        for chunk in chunks:
            if stop.is_set():
                return
            frame = ctx.parse(ctx.clean(chunk))
            found, count = ctx.checks().collect(frame, MAX_ERRORS - len(state.errors))
            if ctx.formula_cells:  # the formula is the problem, not its (missing) value
                kept = [e for e in found if (e.row, e.column) not in ctx.formula_cells]
                count -= len(found) - len(kept)
                found = kept
            state.errors += found
            state.error_count += count
            payload = None
            if not state.error_count and frame.height:
                typed = ctx.transform(frame)
                ctx.account(typed)
                payload = prepare(typed)
                state.imported += typed.height
            out.put(("chunk", payload, chunk.height))
        out.put(("end", None, 0))
    except BaseException as error:  # handed to the writing thread, which re-raises it
        out.put(("error", error, 0))


def xlsx_formula_errors(batch: ImportBatch, ctx: "_Context") -> tuple[list[CellError], int]:
    """Cells of the imported columns that hold a formula: calamine would hand over the
    formula's last computed value as if it had been typed, so they are refused like a
    formula in a CSV cell."""
    if batch.format != "xlsx":
        return [], 0
    from python_calamine import CalamineWorkbook

    try:
        start = CalamineWorkbook.from_path(batch.file.path).get_sheet_by_index(0).start
    except Exception:  # calamine says what is wrong with the file when the rows are read
        return [], 0
    offset = start[1] if start else 0  # calamine's first column is the sheet's first used one
    used = {*ctx.mapping.columns.values(), *ctx.mapping.extra}
    found, count = [], 0
    for row, column, formula in formula_cells(batch.file.path):
        index = column - 1 - offset
        if row < 2 or index not in used:
            continue
        count += 1
        if len(found) < MAX_ERRORS:
            found.append(
                CellError(
                    row,
                    index + 1,
                    ctx.headers[index],
                    formula[:60],
                    "holds a spreadsheet formula: enter the value itself, not a formula "
                    "(copy the cells and paste them as values)",
                )
            )
    ctx.formula_cells = {(e.row, e.column) for e in found}
    return found, count


def _import(batch: ImportBatch, sink: ProgressSink) -> Outcome:
    ctx = _Context(batch)
    check_mapping(ctx.mapping, ctx.headers, batch.pilot)
    ctx.checks()  # build the expressions before the worker starts
    total = batch.estimated_rows
    state = _Pass()
    state.errors, state.error_count = xlsx_formula_errors(batch, ctx)
    try:
        with transaction.atomic():
            rollups.lock_pilot(batch.pilot_id)
            earlier = (
                ImportBatch.objects.filter(
                    pilot_id=batch.pilot_id, sha256=batch.sha256, status=BatchStatus.IMPORTED
                )
                .exclude(pk=batch.pk)
                .first()
            )
            if earlier is not None:
                raise DomainError(
                    f"This file was already imported on {earlier.created_at:%d %B %Y} (upload "
                    f"{earlier.pk}, “{earlier.filename}”): it was not imported again.",
                    code="duplicate_file",
                )
            out = writer()
            chunks: queue.Queue = queue.Queue(maxsize=2)
            stop = threading.Event()
            worker = threading.Thread(
                target=_produce,
                args=(ctx, batch, out.prepare, chunks, stop, state),
                name=f"import-{batch.pk}",
                daemon=True,
            )
            failure = None
            worker.start()
            try:
                while True:
                    kind, payload, rows = chunks.get()
                    if kind == "error":
                        raise payload
                    if kind == "end":
                        break
                    if payload is not None:
                        out.write(payload)
                    state.done += rows
                    sink(state.done, max(total, state.done))
            except BaseException as error:
                failure = error
                raise
            finally:
                stop.set()
                while worker.is_alive():
                    with contextlib.suppress(queue.Empty):
                        chunks.get(timeout=0.1)
                worker.join()
                out.close(
                    failure if failure is not None else (_Rejected() if state.error_count else None)
                )
            if state.error_count:
                raise _Rejected()
            if not state.imported:
                raise DomainError("The file has no rows of data under its header.", code="no_rows")
            rollups.apply(batch.pilot_id, ctx.monthly, ctx.kpi_parts)
            rollups.touch(batch.pilot_id)
            batch.status = BatchStatus.IMPORTED
            batch.imported_rows = state.imported
            batch.processed_rows = state.done
            batch.total_rows = state.done
            batch.error_count = 0
            batch.errors = []
            batch.finished_at = clock.now()
            batch.message = f"{state.imported:,} delivery records imported."
            batch.save(
                update_fields=[
                    "status",
                    "imported_rows",
                    "processed_rows",
                    "total_rows",
                    "error_count",
                    "errors",
                    "finished_at",
                    "message",
                ]
            )
            audit.log(
                actor=batch.uploaded_by,
                action="pilots.batch.imported",
                obj=batch,
                partnership=batch.pilot.partnership,
                data={
                    "filename": batch.filename,
                    "sha256": batch.sha256,
                    "rows": state.imported,
                    "via": batch.via,
                },
            )
    except _Rejected:
        batch.processed_rows = state.done
        batch.total_rows = max(state.done, total)
        count = state.error_count
        shown = f" The first {len(state.errors):,} are listed." if count > len(state.errors) else ""
        listed = sorted(state.errors, key=lambda e: (e.row, e.column))
        return Outcome(
            BatchStatus.REJECTED,
            error_count=count,
            errors=[e.as_dict() for e in listed],
            message=f"The file has {count:,} error{'s' if count != 1 else ''}; nothing was "
            f"imported.{shown} Fix them and upload the file again.",
        )
    except IntegrityError:
        raise DomainError(
            "This file was imported by another upload at the same moment: it was not imported "
            "twice.",
            code="duplicate_file",
        ) from None
    sink(state.done, state.done, force=True)
    return Outcome(BatchStatus.IMPORTED, imported=state.imported, message=batch.message)


def reverse_parts(batch: ImportBatch) -> tuple[dict, dict]:
    """The rollup sums of a batch's records, to subtract when it is reverted."""
    records = DeliveryRecord.objects.filter(batch=batch)
    specs = rollups.record_specs(batch.pilot_id)
    return compute.queryset_monthly(records), compute.queryset_kpi_parts(records, specs)
