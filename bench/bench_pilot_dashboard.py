"""The pilot dashboard's cost must not grow with the records.

Two pilots in one database: a big one (``COPLAN_BENCH_ROWS`` delivery records, default
200,000; the issue's figure is 1,000,000) and a small one (1,000), plus optionally
``COPLAN_BENCH_TABLE_ROWS`` records of other pilots in the same table. Both are loaded through
the bulk import, so their rollups are real. Then, on one granian server in the same run:

* cold: the first request after the data changed (charts re-rendered), big vs small pilot;
* warm: throughput under ``COPLAN_BENCH_CLIENTS`` (default 32) keep-alive clients, big vs
  small pilot, and the dashboard vs a bare Django view; the same for the rollup-backed
  dashboard API; and, for context, the simplest signed-in partnership page (the timeline),
  whose session, user and membership queries every signed-in page pays.

Targets: big / small within 1.5× cold and warm; dashboard ≥ 0.2× the bare view.
"""

import http.client
import os
import statistics
import tempfile
import time
from pathlib import Path

from bench import harness
from bench.bench_pilot_import import _fixture, generate

SMALL_ROWS = 1000


def _load(pilot, user, rows: int, tmp: Path, seed: int) -> None:
    from coplan.pilots import domain, importer

    path = tmp / f"pilot-{pilot.pk}.csv"
    generate(path, rows, seed=seed)
    batch = domain.upload_file(pilot=pilot, actor=user, file=path, filename=path.name, via="cli")
    domain.queue_import(batch=batch, actor=user, mapping=importer.Mapping.from_json(batch.mapping))
    outcome = importer.run(batch.pk)
    assert outcome.status == "imported", outcome.message
    path.unlink()


def _cookie(user) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def _cold(port, path, cookie, pilot_id, repeats=5) -> float:
    """Median seconds of a request just after the pilot's data version moved on."""
    from coplan.pilots.models import Pilot

    times = []
    for _ in range(repeats):
        pilot = Pilot.objects.get(pk=pilot_id)
        Pilot.objects.filter(pk=pilot_id).update(data_version=pilot.data_version + 1)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        started = time.perf_counter()
        conn.request("GET", path, headers={"Cookie": cookie})
        response = conn.getresponse()
        response.read()
        times.append(time.perf_counter() - started)
        assert response.status == 200, response.status
        conn.close()
    return statistics.median(times)


def run(seconds: float) -> dict:
    rows = int(os.environ.get("COPLAN_BENCH_ROWS", "200000"))
    background = int(os.environ.get("COPLAN_BENCH_TABLE_ROWS", "0"))
    clients = int(os.environ.get("COPLAN_BENCH_CLIENTS", "32"))
    with harness.database() as url, tempfile.TemporaryDirectory() as tmp:
        os.environ["COPLAN_MEDIA_ROOT"] = tmp
        harness.setup_django(url)
        from django.db import connection

        from coplan.pilots import rollups

        tmp_path = Path(tmp)
        started = time.perf_counter()
        if background:
            other, user = _fixture()
            _load(other, user, background, tmp_path, seed=3)
        big, user = _fixture()
        _load(big, user, rows, tmp_path, seed=5)
        small, _ = _fixture()
        _load(small, user, SMALL_ROWS, tmp_path, seed=9)
        if rows <= 200_000:  # the proof is in the tests; a quick check on small runs
            assert rollups.verify(big.pk) == [] and rollups.verify(small.pk) == []
        commissioner = user  # the facilitator of every bench partnership
        cookie = _cookie(commissioner)
        print(
            f"Loaded pilots of {rows:,} and {SMALL_ROWS:,} records (+{background:,} others) in "
            f"{time.perf_counter() - started:.0f} s ({connection.vendor})"
        )
        connection.close()
        paths = {
            "big": f"/partnerships/{big.partnership_id}/pilot/dashboard/",
            "small": f"/partnerships/{small.partnership_id}/pilot/dashboard/",
            "big_api": f"/api/v1/partnerships/{big.partnership_id}/pilot/dashboard",
            "small_api": f"/api/v1/partnerships/{small.partnership_id}/pilot/dashboard",
            "floor": f"/partnerships/{big.partnership_id}/timeline/",
        }
        with harness.server(url) as port:
            cold = {
                name: _cold(port, path, cookie, (big if "big" in name else small).pk)
                for name, path in paths.items()
                if name in ("big", "small")
            }
            rates = {
                "minimal": harness.load(
                    port,
                    "/bench/minimal",
                    label="minimal Django view",
                    seconds=seconds,
                    clients=clients,
                )
            }
            for name, path in paths.items():
                rates[name] = harness.load(
                    port,
                    path,
                    label="timeline page"
                    if name == "floor"
                    else f"pilot dashboard ({name.replace('_', ' ')})",
                    seconds=seconds,
                    clients=clients,
                    cookie=cookie,
                )
    print(f"Pilot dashboard, {clients} clients, granian, same run")
    print(
        f"  cold (charts re-rendered): big {cold['big'] * 1000:.0f} ms, small "
        f"{cold['small'] * 1000:.0f} ms, big/small {cold['big'] / cold['small']:.2f}×"
        " (target < 1.5)"
    )
    warm_big_small = rates["small"].per_second / rates["big"].per_second
    page_ratio = harness.report("  page, big pilot vs bare view", rates["big"], rates["minimal"])
    api_ratio = harness.report("  API, big pilot vs bare view", rates["big_api"], rates["minimal"])
    harness.report("  page, big vs small pilot", rates["big"], rates["small"])
    floor = harness.report(
        "  context: the simplest signed-in partnership page (timeline) vs bare view",
        rates["floor"],
        rates["minimal"],
    )
    print(f"  warm big/small time per request: {warm_big_small:.2f}× (target < 1.5)")
    return {
        "cold_big_vs_small": cold["big"] / cold["small"],
        "warm_big_vs_small": warm_big_small,
        "page_vs_minimal": page_ratio,
        "api_vs_minimal": api_ratio,
        "signed_in_floor_vs_minimal": floor,
        "errors": sum(r.errors for r in rates.values()),
    }
