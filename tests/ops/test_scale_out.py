"""Scale-out: two app processes and one task worker against one PostgreSQL, under concurrent
imports and edits, lose nothing: every row and every rollup is right afterwards, refused edits
are refused (never half-applied), and the audit chain is intact.

Runs only against PostgreSQL (``DATABASE_URL=postgres://…``); SQLite is one machine's file."""

import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection

from coplan.core import audit
from coplan.core.domain import issue_api_token
from coplan.core.models import AuditEvent
from coplan.design import domain as design
from coplan.design.models import Item, SpecificationVersion
from coplan.pilots import rollups
from coplan.pilots.models import DeliveryRecord, ImportBatch
from tests.pilots.conftest import csv_bytes, sample_rows

pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="scale-out needs PostgreSQL (DATABASE_URL)",
    ),
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(__file__).resolve().parents[2]
FILES, ROWS, ITEMS, EDITS = 6, 2000, 40, 30


def _port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _url():
    sd = connection.settings_dict
    auth = sd["USER"] + (f":{sd['PASSWORD']}" if sd.get("PASSWORD") else "")
    return f"postgres://{auth}@{sd['HOST'] or 'localhost'}:{sd['PORT'] or 5432}/{sd['NAME']}"


@pytest.fixture
def cluster(tmp_path, settings):
    """Two ``coplan serve`` processes and one ``coplan worker``, sharing the test database."""
    settings.MEDIA_ROOT = tmp_path / "media"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PYTEST")},
        "DATABASE_URL": _url(),
        "COPLAN_DEBUG": "1",
        "COPLAN_TASK_WORKER": "1",
        "COPLAN_MEDIA_ROOT": str(tmp_path / "media"),
        "COPLAN_WORKERS": "1",
        "COPLAN_THREADS": "4",
        "COPLAN_LOG_LEVEL": "WARNING",
        "COPLAN_API_RATE_LIMIT": "0",
    }
    ports = [_port(), _port()]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "coplan.cli", "serve", "--no-collectstatic"],
            env={**env, "COPLAN_BIND": f"127.0.0.1:{port}"},
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for port in ports
    ]
    procs.append(
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "coplan.cli",
                "worker",
                "--no-startup-delay",
                "--interval",
                "0.2",
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    )
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    for base in bases:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
    try:
        yield bases
    finally:
        for proc in procs:
            os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            proc.wait(timeout=20)


def call(base, token, method, path, body=None, files=None):
    headers = {"Authorization": f"Bearer {token}"}
    data = None
    if files:
        boundary = "coplan-boundary"
        name, content = files
        data = (
            (
                f"--{boundary}\r\n"
                f'Content-Disposition: form-data; name="file"; filename="{name}"\r\n'
                "Content-Type: text/csv\r\n\r\n"
            ).encode()
            + content
            + f"\r\n--{boundary}--\r\n".encode()
        )
        headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
    elif body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(
        f"{base}/api/v1{path}", data=data, headers=headers, method=method
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def test_two_app_processes_and_a_worker_lose_nothing(cluster, partnership, personas):
    from coplan.pilots import domain as pilots

    facilitator, ann = personas["facilitator"], personas["service_user"]
    own = partnership.memberships.get(user=personas["se_partner"]).organisation
    pilot = pilots.create_pilot(
        partnership=partnership,
        actor=facilitator,
        title="Furniture pilot",
        starts_on=dt.date(2006, 10, 1),
        ends_on=dt.date(2007, 3, 31),
        funding_amount=Decimal("120000"),
        funding_route="Council grant",
        services=[("Emergency storage", "storage day"), ("Emergency furniture packs", "pack")],
        providers=[own],
    )
    draft = design.new_draft(partnership=partnership, actor=facilitator)
    design.post_item(partnership=partnership, actor=ann, kind="idea", text="0", consent_given=True)
    _t, fac_token = issue_api_token(user=facilitator, name="load")
    _t, ann_token = issue_api_token(user=ann, name="load")
    pk = partnership.pk

    def upload(i):
        rows = sample_rows(own.name, own.name, count=ROWS)
        for r in rows:
            r[-1] = f"file {i}"  # every file differs (duplicates are refused)
        return call(
            cluster[i % 2],
            fac_token,
            "POST",
            f"/partnerships/{pk}/pilot/uploads",
            files=(f"returns-{i}.csv", csv_bytes(rows)),
        )

    def post(i):
        body = {"kind": "idea", "text": f"Idea {i}", "consent_given": True}
        return call(cluster[i % 2], ann_token, "POST", f"/partnerships/{pk}/design/items", body)

    def edit(i):
        path = f"/partnerships/{pk}/design/versions/{draft.number}"
        _s, current = call(cluster[i % 2], fac_token, "GET", path)
        body = {"change_note": f"Edit {i}", "revision": current["revision"]}
        return call(cluster[(i + 1) % 2], fac_token, "PATCH", path, body)

    with ThreadPoolExecutor(max_workers=12) as pool:
        uploads = list(pool.map(upload, range(FILES)))
        posts = pool.map(post, range(1, ITEMS + 1))
        edits = pool.map(edit, range(EDITS))
        posts, edits = list(posts), list(edits)

    assert [s for s, _ in uploads] == [202] * FILES
    assert [s for s, _ in posts] == [201] * ITEMS
    saved = [b for s, b in edits if s == 200]
    refused = [b for s, b in edits if s != 200]
    assert all(b["code"] == "edit_conflict" for b in refused), refused
    assert saved, "at least one edit gets through"

    deadline = time.monotonic() + 300
    while ImportBatch.objects.filter(pilot=pilot).exclude(status="imported").exists():
        failed = ImportBatch.objects.filter(pilot=pilot, status__in=["failed", "rejected"])
        assert not failed.exists(), list(failed.values("status", "errors"))
        assert time.monotonic() < deadline, "the worker did not finish the imports"
        time.sleep(0.5)

    assert DeliveryRecord.objects.filter(pilot=pilot).count() == FILES * ROWS
    assert rollups.verify(pilot.pk) == []
    assert Item.objects.filter(partnership=partnership).count() == ITEMS + 1
    assert sorted(Item.objects.values_list("text", flat=True)) == sorted(
        ["0", *(f"Idea {i}" for i in range(1, ITEMS + 1))]
    )
    # every saved edit raised the revision once, and none was lost or half-applied
    draft = SpecificationVersion.objects.get(pk=draft.pk)
    assert draft.revision == len(saved)
    assert AuditEvent.objects.filter(action="design.spec.updated").count() == len(saved)
    assert draft.change_note in {f"Edit {i}" for i in range(EDITS)}
    result = audit.verify()
    assert result.problems == []
