"""``coplan backup`` writes the database and every uploaded file into one archive with
checksums; ``coplan restore`` puts them back into an empty database, exactly."""

import hashlib
import json
import tarfile
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

import coplan.core as core
from coplan.core import audit
from coplan.core.models import AuditEvent, Organisation, User
from coplan.demo.loader import load_demo


def snapshot() -> dict:
    """Every row of every table in the database (not only Django's models: many-to-many tables,
    ``django_migrations`` and the rest too), each table's rows sorted."""

    def plain(value):
        return bytes(value) if isinstance(value, memoryview) else value

    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        rows = {}
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows[table] = sorted(repr(tuple(map(plain, row))) for row in cursor.fetchall())
    return rows


def model_tables() -> set[str]:
    return {m._meta.db_table for m in apps.get_models(include_auto_created=True)}


def files(root) -> dict:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


@pytest.fixture
def media(settings, tmp_path):
    root = tmp_path / "media"
    (root / "design" / "2026").mkdir(parents=True)
    (root / "design" / "2026" / "brief.pdf").write_bytes(b"%PDF-1.7 the brief")
    (root / "pilots" / "deliveries.csv").parent.mkdir(parents=True)
    (root / "pilots" / "deliveries.csv").write_text("client_key,date\nA1,2026-03-02\n")
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def world(partnership, personas):
    with transaction.atomic():
        audit.log(
            actor=personas["commissioner"],
            action="partnership.updated",
            obj=partnership,
            partnership=partnership,
            data={"text": "Café £5 ✓"},
        )
    return partnership


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_an_empty_database_exactly(seeded, media, tmp_path):
    """The whole demo (every app's records, sealed bids, the audit chain) plus uploaded files:
    after a restore into an emptied database every table and every file is exactly as it was,
    and Coplan carries on writing (sequences restored, the audit chain continues)."""
    load_demo()
    (media / "Café £5 ✓.txt").write_text("unicode name")
    before_rows, before_files = snapshot(), files(media)
    assert set(before_rows) >= model_tables()
    filled = {table for table, rows in before_rows.items() if rows}
    assert len(filled) >= 0.6 * len(before_rows), sorted(set(before_rows) - filled)
    archive = tmp_path / "backup.tar.gz"

    call_command("backup", str(archive))
    call_command("flush", interactive=False)
    for p in sorted(media.rglob("*"), reverse=True):
        p.unlink() if p.is_file() else p.rmdir()
    assert User.objects.count() == 0

    call_command("restore", str(archive))

    after_rows = snapshot()
    assert [t for t in before_rows if before_rows[t] != after_rows.get(t)] == []
    assert after_rows == before_rows
    assert files(media) == before_files
    assert audit.verify().ok
    with transaction.atomic():
        org = Organisation.objects.create(name="After the restore", type="council")
        audit.log(actor=None, action="core.organisation.created", obj=org)
    assert audit.verify().ok


@pytest.mark.django_db(transaction=True)
def test_the_manifest_lists_every_file_with_its_checksum(world, media, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive))

    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        names = sorted(m.name for m in tar.getmembers())
        pdf = tar.extractfile("media/design/2026/brief.pdf").read()

    database = (
        "database.sqlite3" if manifest["database"]["engine"] == "sqlite" else ("database.pgdump")
    )
    assert names == sorted(
        ["manifest.json", database, "media/design/2026/brief.pdf", "media/pilots/deliveries.csv"]
    )
    entry = {f["name"]: f for f in manifest["files"]}["media/design/2026/brief.pdf"]
    assert entry == {
        "name": "media/design/2026/brief.pdf",
        "size": 18,
        "sha256": hashlib.sha256(pdf).hexdigest(),
    }
    assert manifest["format"] == "coplan-backup/1"
    latest_core = max(p.stem for p in (Path(core.__file__).parent / "migrations").glob("0*.py"))
    assert manifest["migrations"]["core"] == latest_core


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_holds_people(world, media, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive))

    with pytest.raises(CommandError, match=r"The database is not empty \(\d+ people\)"):
        call_command("restore", str(archive))


@pytest.mark.django_db(transaction=True)
def test_force_replaces_what_is_there(world, media, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive))
    before = snapshot()
    User.objects.create_user("late@example.org", full_name="Late Arrival")
    (media / "stray.txt").write_text("not in the backup")

    call_command("restore", str(archive), force=True)

    assert snapshot() == before
    assert not (media / "stray.txt").exists()


@pytest.mark.django_db(transaction=True)
def test_a_damaged_archive_is_refused_before_anything_changes(world, media, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive))
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(damaged, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name == "media/pilots/deliveries.csv":
                data = data.replace(b"A1", b"B2")
            import io

            dst.addfile(member, io.BytesIO(data))
    call_command("flush", interactive=False)

    with pytest.raises(CommandError, match=r"Checksum mismatch for media/pilots/deliveries\.csv"):
        call_command("restore", str(damaged))
    assert AuditEvent.objects.count() == 0
