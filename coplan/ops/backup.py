"""Backups: the database and every uploaded file in one ``.tar.gz`` with a manifest.

The archive holds ``manifest.json`` (format, when, which database engine, the latest migration of
every app, and the SHA-256 and size of every other member), the database (``database.sqlite3``
taken with SQLite's online backup API, safe while Coplan runs; or ``database.pgdump`` from
``pg_dump --format=custom``) and ``media/…`` (a copy of ``MEDIA_ROOT``).

:func:`restore` checks every checksum before it touches anything and refuses a database that
already holds people unless forced.
"""

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connection

FORMAT = "coplan-backup/1"
MANIFEST = "manifest.json"


class BackupError(Exception):
    pass


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_env_and_args(settings_dict) -> tuple[dict, list[str]]:
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    args = []
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    return env, args


def _dump_database(workdir: Path) -> Path:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = workdir / "database.sqlite3"
        dest = sqlite3.connect(target)
        try:
            connection.connection.backup(dest)
        finally:
            dest.close()
        return target
    if connection.vendor == "postgresql":
        target = workdir / "database.pgdump"
        sd = connection.settings_dict
        env, args = _pg_env_and_args(sd)
        subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", "--file", str(target), *args, sd["NAME"]],
            env=env,
            check=True,
            capture_output=True,
        )
        return target
    raise BackupError(f"Backups support SQLite and PostgreSQL, not {connection.vendor}")


def _migrations() -> dict[str, str]:
    from django.db.migrations.recorder import MigrationRecorder

    latest = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        latest[app] = max(latest.get(app, ""), name)
    return dict(sorted(latest.items()))


def backup(path: Path | str | None = None) -> Path:
    """Write a backup archive; return its path (default ``coplan-backup-<UTC time>.tar.gz``)."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = Path(path) if path else Path(f"coplan-backup-{stamp}.tar.gz")
    if path.is_dir():
        path = path / f"coplan-backup-{stamp}.tar.gz"
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        database = _dump_database(Path(tmp))
        members = [(database.name, database)]
        if media_root.is_dir():
            for file in sorted(p for p in media_root.rglob("*") if p.is_file()):
                members.append(
                    (str(PurePosixPath("media", *file.relative_to(media_root).parts)), file)
                )
        manifest = {
            "format": FORMAT,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "database": {"engine": connection.vendor, "file": database.name},
            "migrations": _migrations(),
            "files": [
                {"name": name, "size": file.stat().st_size, "sha256": sha256_file(file)}
                for name, file in members
            ],
        }
        partial = path.with_name(path.name + ".partial")
        with tarfile.open(partial, "w:gz") as tar:
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
            tar.addfile(info, io.BytesIO(data))
            for name, file in members:
                tar.add(file, arcname=name, recursive=False)
        partial.replace(path)
    return path


@dataclass
class Checked:
    manifest: dict
    directory: Path


def _safe_name(name: str) -> PurePosixPath:
    pure = PurePosixPath(name)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts:
        raise BackupError(f"Unsafe name in the archive: {name!r}")
    return pure


def unpack_and_verify(archive: Path, into: Path) -> Checked:
    """Extract into ``into`` and check every member against the manifest (size and SHA-256)."""
    with tarfile.open(archive, "r:gz") as tar:
        try:
            manifest = json.load(tar.extractfile(MANIFEST))
        except KeyError:
            raise BackupError("Not a Coplan backup: no manifest.json") from None
        if manifest.get("format") != FORMAT:
            raise BackupError(f"Unknown backup format {manifest.get('format')!r}")
        expected = {f["name"]: f for f in manifest["files"]}
        names = {m.name for m in tar.getmembers()} - {MANIFEST}
        if names != set(expected):
            extra, missing = sorted(names - set(expected)), sorted(set(expected) - names)
            raise BackupError(f"Archive and manifest disagree: extra {extra}, missing {missing}")
        for member in tar.getmembers():
            if member.name == MANIFEST:
                continue
            if not member.isfile():
                raise BackupError(f"Not a regular file in the archive: {member.name!r}")
            _safe_name(member.name)
            tar.extract(member, into, filter="data")
    for name, entry in expected.items():
        file = into / name
        if file.stat().st_size != entry["size"] or sha256_file(file) != entry["sha256"]:
            raise BackupError(f"Checksum mismatch for {name}: the archive is damaged")
    return Checked(manifest=manifest, directory=into)


def people_in_database() -> int:
    from django.contrib.auth import get_user_model

    try:
        return get_user_model().objects.count()
    except Exception:
        return 0  # no tables yet: an empty database


def restore(archive: Path | str, *, force: bool = False) -> dict:
    """Restore a backup made by :func:`backup`; returns its manifest."""
    archive = Path(archive)
    with tempfile.TemporaryDirectory() as tmp:
        checked = unpack_and_verify(archive, Path(tmp))
        manifest = checked.manifest
        engine = manifest["database"]["engine"]
        if engine != connection.vendor:
            raise BackupError(
                f"This backup is of a {engine} database; Coplan is configured for "
                f"{connection.vendor}"
            )
        if not force and (count := people_in_database()):
            raise BackupError(
                f"The database is not empty ({count} people). Restore into an empty database, "
                "or pass --force to replace everything in it."
            )
        database = Path(tmp) / manifest["database"]["file"]
        if engine == "sqlite":
            connection.ensure_connection()
            source = sqlite3.connect(database)
            try:
                source.backup(connection.connection)
            finally:
                source.close()
        else:
            connection.close()
            sd = connection.settings_dict
            env, args = _pg_env_and_args(sd)
            subprocess.run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    "--exit-on-error",
                    "--dbname",
                    sd["NAME"],
                    *args,
                    str(database),
                ],
                env=env,
                check=True,
                capture_output=True,
            )
        media_root = Path(settings.MEDIA_ROOT)
        if force and media_root.is_dir():
            shutil.rmtree(media_root)
        for entry in manifest["files"]:
            name = _safe_name(entry["name"])
            if name.parts[0] != "media":
                continue
            target = media_root.joinpath(*name.parts[1:])
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(Path(tmp) / entry["name"], target)
    return manifest
