"""Time `lockwise review FILE.sql` (static mode: no server) against squawk on the same file.

Writes two 5,000-statement SQL files, the shape of a long schema dump or a folder of
migrations concatenated: CREATE TABLE, ADD COLUMN, CREATE INDEX, ADD FOREIGN KEY and
COMMENT in turn, and the same with 390 of them replaced by UPDATEs (backfills). Each file
is reviewed by `lockwise review FILE --format json --fail-on never` and linted by
`squawk --reporter json FILE`, both as fresh processes in the same run; the best of
`--runs` counts. Both tools report every hazard they know, so each prints thousands of
findings. squawk-cli comes from its own venv (see review_bench.py).

Target (issue 7): lockwise within 20 times squawk's time on each file. Before the file's
facts were computed in one pass, the DDL file took 14.5 s here and squawk 2.3 s.

    python benchmarks/static_bench.py [--statements N] [--updates N] [--runs N]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from review_bench import SQUAWK, ensure_squawk
from timing import console_script

TARGET_RATIO = 20.0


def statement(index: int) -> str:
    """The `index`th DDL statement: five kinds in turn, on tables made five apart."""
    table = f"t{index // 5 * 5}"
    return [
        f"CREATE TABLE {table} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
        "name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())",
        f"ALTER TABLE {table} ADD COLUMN c{index} integer",
        f"CREATE INDEX ix_{table}_c{index} ON {table} (name)",
        f"ALTER TABLE {table} ADD CONSTRAINT fk_{index} FOREIGN KEY (id) REFERENCES t0 (id)",
        f"COMMENT ON TABLE {table} IS 'table {index}'",
    ][index % 5]


def write_sql(path: Path, statements: int, updates: int) -> Path:
    """Write `statements` statements, `updates` of them UPDATEs spread evenly."""
    every = statements // updates if updates else statements + 1
    lines = [
        f"UPDATE t{i // 5 * 5} SET name = 'x' WHERE id < {i}"
        if i % every == every - 1
        else statement(i)
        for i in range(statements)
    ]
    path.write_text(";\n".join(lines) + ";\n", encoding="utf-8")
    return path


def best_seconds(argv: list[str], runs: int, ok: tuple[int, ...]) -> float:
    """The fastest of `runs` runs of `argv`, which must exit with one of `ok`."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(argv, capture_output=True)
        best = min(best, time.perf_counter() - start)
        if done.returncode not in ok:
            sys.exit(f"{argv[0]} exited {done.returncode}:\n{done.stderr.decode()[-2000:]}")
    return best


def main() -> None:
    """Write the files, time both tools on each, print them side by side."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--statements", type=int, default=5000)
    parser.add_argument("--updates", type=int, default=390)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    ensure_squawk()
    lockwise = console_script("lockwise")
    print(f"{'file':<36} {'lockwise':>10} {'squawk':>10} {'ratio':>7}  target")
    with tempfile.TemporaryDirectory(prefix="lockwise-static-") as tmp:
        for name, updates in (("ddl", 0), (f"ddl + {args.updates} updates", args.updates)):
            path = write_sql(Path(tmp) / "file.sql", args.statements, updates)
            review = [lockwise, "review", str(path), "--format", "json", "--fail-on", "never"]
            ours = best_seconds(review, args.runs, ok=(0,))
            theirs = best_seconds([str(SQUAWK), "--reporter", "json", str(path)], args.runs, (0, 1))
            ratio = ours / theirs
            verdict = "ok" if ratio <= TARGET_RATIO else "MISSED"
            label = f"{args.statements} statements, {name}"
            figures = f"{ours:>9.2f}s {theirs:>9.2f}s {ratio:>6.1f}x"
            print(f"{label:<36} {figures}  <= {TARGET_RATIO:g}x {verdict}")


if __name__ == "__main__":
    main()
