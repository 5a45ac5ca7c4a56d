"""What benchmarks share: a throwaway database, a granian server, a load loop, ratio printing.

Every result is a ratio against a baseline measured in the same run on the same machine, never
an absolute time (machines differ; ratios travel)."""

import contextlib
import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Rate:
    label: str
    requests: int
    seconds: float
    errors: int

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def report(title: str, subject: Rate, baseline: Rate) -> float:
    ratio = subject.per_second / baseline.per_second if baseline.per_second else 0.0
    print(f"{title}")
    for rate in (baseline, subject):
        print(
            f"  {rate.label:<40} {rate.per_second:>9.0f} req/s  "
            f"({rate.requests} requests, {rate.errors} errors)"
        )
    print(f"  ratio (subject / baseline): {ratio:.3f}")
    return ratio


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_env(database_url: str | None = None) -> dict:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="bench.settings", PYTHONPATH=str(ROOT))
    env.pop("COPLAN_DEBUG", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


@contextlib.contextmanager
def database():
    """A fresh database for the run: a temporary SQLite file, or DATABASE_URL if set."""
    if os.environ.get("DATABASE_URL"):
        yield os.environ["DATABASE_URL"]
        return
    with tempfile.TemporaryDirectory() as tmp:
        yield f"sqlite:///{tmp}/bench.sqlite3"


def setup_django(database_url: str) -> None:
    """Django for this process, on ``database_url``. Once per process: settings and database
    connections cannot be pointed elsewhere afterwards (``bench/run.py`` gives each benchmark
    its own process)."""
    from django.conf import settings

    if settings.configured and os.environ.get("DATABASE_URL") != database_url:
        raise RuntimeError(
            "Django is already set up on another database in this process; run each "
            "benchmark in its own process (bench/run.py does)"
        )
    os.environ.update(bench_env(database_url))
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)


@contextlib.contextmanager
def server(database_url: str, *, workers: int = 1, threads: int = 8):
    """Serve the project with ``coplan serve`` (granian, configured as in production) on a
    free loopback port for the duration."""
    port = free_port()
    env = bench_env(database_url)
    env.update(
        COPLAN_BIND=f"127.0.0.1:{port}", COPLAN_WORKERS=str(workers), COPLAN_THREADS=str(threads)
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "coplan.cli", "serve", "--no-collectstatic"],
        env=env,
        cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                break
            time.sleep(0.1)
        else:
            raise RuntimeError("granian did not start within 30 s")
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def load(
    port: int, path: str, *, label: str, seconds: float = 5.0, clients: int = 8, cookie: str = ""
) -> Rate:
    """Bounded load from ``clients`` keep-alive connections for ``seconds``: with ``wrk`` when
    it is installed (``apt-get install wrk``; a C client, so the server is what is measured),
    else from Python threads (which can saturate before a fast server does)."""
    headers = {"Cookie": cookie} if cookie else {}
    headers = _warm(port, path, headers, cookie)
    if shutil.which("wrk") and not os.environ.get("COPLAN_BENCH_PYTHON_CLIENT"):
        return _wrk(port, path, label=label, seconds=seconds, clients=clients, headers=headers)
    return _python_load(port, path, label=label, seconds=seconds, clients=clients, headers=headers)


def _warm(port: int, path: str, headers: dict, cookie: str) -> dict:
    """Twenty requests first; like a browser, keep the cookies the page sets (the CSRF cookie
    of a signed-in page)."""
    warm = http.client.HTTPConnection("127.0.0.1", port, timeout=120)  # cold pages render charts
    jar = SimpleCookie(cookie)
    for _ in range(20):
        warm.request("GET", path, headers=headers)
        response = warm.getresponse()
        response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar.load(header)
        if cookie:
            headers = {"Cookie": "; ".join(f"{k}={m.value}" for k, m in jar.items())}
    warm.close()
    if response.status != 200:  # wrk counts redirects as answers: be sure the page is served
        raise RuntimeError(f"{path} answered {response.status}, not 200")
    return headers


def _wrk(port, path, *, label, seconds, clients, headers) -> Rate:
    command = ["wrk", "-t2", f"-c{clients}", f"-d{max(1, round(seconds))}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    total = int(re.search(r"(\d+) requests in ([\d.]+)(\w+)", out).group(1))
    took = re.search(r"requests in ([\d.]+)(m?s|m)\b", out)
    scale = {"s": 1, "ms": 0.001, "m": 60}[took.group(2)]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = int(bad.group(1)) if bad else 0
    socket_errors = re.search(r"Socket errors: (.*)", out)
    if socket_errors:
        errors += sum(int(n) for n in re.findall(r"\d+", socket_errors.group(1)))
    return Rate(f"{label} (wrk)", total - errors, float(took.group(1)) * scale, errors)


def _python_load(port, path, *, label, seconds, clients, headers) -> Rate:
    counts = [0] * clients
    errors = [0] * clients
    stop = time.monotonic() + seconds

    def client(i):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < stop:
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
            except OSError:
                errors[i] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                continue
            if response.status == 200:
                counts[i] += 1
            else:
                errors[i] += 1
        conn.close()

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return Rate(label, sum(counts), time.monotonic() - started, sum(errors))
