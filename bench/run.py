"""Run every benchmark (``bench/bench_*.py``) or the ones named, and print ratios.

uv run python bench/run.py                 # all, 5 s per measurement
uv run python bench/run.py dashboard -s 2  # one, shorter
DATABASE_URL=postgres://... uv run python bench/run.py   # against PostgreSQL
"""

import argparse
import importlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("-s", "--seconds", type=float, default=5.0)
    args = parser.parse_args()
    available = sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))
    names = args.names or available
    unknown = set(names) - set(available)
    if unknown:
        parser.error(f"unknown benchmark(s) {sorted(unknown)}; available: {available}")
    for name in names:
        module = importlib.import_module(f"bench.bench_{name}")
        module.run(args.seconds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
