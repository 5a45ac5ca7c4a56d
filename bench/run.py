"""Run every benchmark (``bench/bench_*.py``) or the ones named, and print ratios.

uv run python bench/run.py                 # all, 5 s per measurement, then one table
uv run python bench/run.py dashboard -s 2  # one, shorter
DATABASE_URL=postgres://... uv run python bench/run.py   # against PostgreSQL

Each benchmark runs in its own child process, with its own throwaway database (a temporary
SQLite file unless ``DATABASE_URL`` is set): Django's settings and connections are made once
per process, so a second benchmark in the same process would still be talking to the first
one's database, deleted by then. The children's results come back as JSON and end the run as
one table.
"""

import argparse
import importlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def _one(name: str, seconds: float, result_path: str) -> int:
    """In the child: run one benchmark and write what it returned as JSON."""
    module = importlib.import_module(f"bench.bench_{name}")
    result = module.run(seconds)
    Path(result_path).write_text(json.dumps(result or {}, default=str))
    return 0


def _run_child(name: str, seconds: float) -> tuple[dict | None, float]:
    with tempfile.TemporaryDirectory() as tmp:
        result_path = Path(tmp) / "result.json"
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, __file__, "--one", name, "-s", str(seconds), "--result", result_path],
            cwd=HERE.parent,
            env=os.environ,
        )
        took = time.monotonic() - started
        if done.returncode != 0 or not result_path.exists():
            return None, took
        return json.loads(result_path.read_text()), took


def _cell(value) -> str:
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.3f}"
    return str(value)


def _table(results: dict[str, tuple[dict | None, float]]) -> None:
    rows = []
    for name, (result, took) in results.items():
        if result is None:
            rows.append((name, "FAILED (see its output above)", ""))
            continue
        rows.extend((name, measure, _cell(value)) for measure, value in result.items())
        rows.append((name, "(wall time, s)", f"{took:.0f}"))
    head = ("benchmark", "measure", "value")
    widths = [max(len(row[i]) for row in [head, *rows]) for i in range(3)]
    print()
    print("Summary (ratios are subject / same-run baseline)")
    for row in [head, tuple("-" * w for w in widths), *rows]:
        print(f"  {row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:>{widths[2]}}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("-s", "--seconds", type=float, default=5.0)
    parser.add_argument("--one", help=argparse.SUPPRESS)  # in a child: this benchmark only
    parser.add_argument("--result", help=argparse.SUPPRESS)  # in a child: where to write JSON
    args = parser.parse_args()
    if args.one:
        return _one(args.one, args.seconds, args.result)
    available = sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))
    names = args.names or available
    unknown = set(names) - set(available)
    if unknown:
        parser.error(f"unknown benchmark(s) {sorted(unknown)}; available: {available}")
    results = {}
    for name in names:
        print(f"== {name}", flush=True)
        results[name] = _run_child(name, args.seconds)
    _table(results)
    return 0 if all(result is not None for result, _ in results.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
