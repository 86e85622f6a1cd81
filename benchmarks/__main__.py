"""`python -m benchmarks [NAME ...]`: run every benchmark module and print one table.

Each module `benchmarks/<name>_bench.py` exposes `run() -> list[dict]` with rows
{"name", "value", "unit", "target"} (and optionally "ratio"); every figure is measured in this run.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
from pathlib import Path


def _modules(selected: list[str]) -> list[str]:
    here = Path(__file__).parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.endswith("_bench"))
    return [n for n in names if not selected or any(s in n for s in selected)]


def main(argv: list[str]) -> int:
    rows: list[dict[str, object]] = []
    failed = []
    for name in _modules(argv):
        started = time.perf_counter()
        try:
            module = importlib.import_module(f"benchmarks.{name}")
            for row in module.run():
                rows.append({"bench": name, **row})
        except Exception as error:  # report and go on: one broken bench must not hide the rest
            failed.append(f"{name}: {type(error).__name__}: {error}")
        print(f"# {name} took {time.perf_counter() - started:.1f} s", file=sys.stderr)
    width = max((len(str(r["name"])) for r in rows), default=10)
    print(f"{'benchmark':<18} {'measure':<{width}} {'value':>12} {'unit':<8} target")
    for row in rows:
        value = row["value"]
        shown = f"{value:,.3f}" if isinstance(value, float) else str(value)
        print(
            f"{row['bench']:<18} {row['name']!s:<{width}} {shown:>12} {row.get('unit', '')!s:<8} "
            f"{row.get('target', '')}"
        )
    for line in failed:
        print(f"FAILED {line}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
