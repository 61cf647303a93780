#!/usr/bin/env python3
"""Benchmark: what a user waits for, at several database sizes.

Usage: tests/perf/bench.py --sizes 1000,100000,1000000 --json OUT [--workdir DIR]

For each size a synthetic database is made (``zone-timeline db synth``, cached in the
work folder) and measured in a fresh process.  Prints a table and writes JSON:
{"machine": ..., "runs": [{"events": N, "first_paint_s": x, "floor_first_paint_s": x,
"filter_ms": {"p50": x, "p95": x}, "text3_ms": ..., "text2_ms": ..., "select_ms": ...,
"pan_frame_ms": ..., "export_s": x, "export_mb_s": x, "peak_rss_mb": x}]}
Not part of ``make test``: figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))  # the checkout measured, as bench_run.py does


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(next(x for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal")).split()[1])
        mem = f", {kb / 1048576:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    return f"{platform.system()} {platform.release()}, Python {platform.python_version()}, {os.cpu_count()} cores{mem}, {model}".strip(", ")


def _usable(path: Path) -> bool:
    """Whether the app opens the cached database (one of another schema version, say, it
    refuses: it is then made again)."""
    from explorer.core.database import DatabaseError, open_database

    try:
        open_database(path).close()
    except DatabaseError as e:
        print(f"{path.name}: {e.reason}: made again", flush=True)
        return False
    return True


def ensure_db(n: int, workdir: Path) -> Path:
    """The cached synthetic database of ``n`` events, made again when missing or unusable."""
    path = workdir / f"synth_{n}.sqlite"
    if path.exists() and not _usable(path):
        path.unlink()
    if not path.exists():
        print(f"synthesising {n:,} events …", flush=True)
        subprocess.run([sys.executable, "-m", "explorer", "db", "synth", "--events", str(n), "-o", str(path)],
                       check=True, cwd=REPO)
    return path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,100000,1000000")
    ap.add_argument("--json", type=Path, default=None, help="write the results here")
    ap.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "zone-timeline-bench")
    args = ap.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    runs = []
    for n in (int(x) for x in args.sizes.split(",") if x.strip()):
        db = ensure_db(n, args.workdir)
        env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
        out = subprocess.run([sys.executable, str(Path(__file__).with_name("bench_run.py")), str(db)],
                             capture_output=True, text=True, cwd=REPO, env=env)
        if out.returncode != 0:
            print(out.stdout, out.stderr, file=sys.stderr)
            return 1
        run = json.loads(out.stdout.strip().splitlines()[-1])
        runs.append(run)
        print_run(run)
    result = {"machine": machine(), "runs": runs}
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.json}")
    print(markdown_table(result))
    return 0


def print_run(r: dict) -> None:
    print(f"{r['events']:>9,} events: first paint {r['first_paint_s']:.2f}s (floor {r['floor_first_paint_s']:.2f}s), "
          f"filter p95 {r['filter_ms']['p95']:.1f}ms, text3 p95 {r['text3_ms']['p95']:.1f}ms, "
          f"text2 p95 {r['text2_ms']['p95']:.1f}ms, select p95 {r['select_ms']['p95']:.1f}ms, "
          f"pan p95 {r['pan_frame_ms']['p95']:.1f}ms, export {r['export_mb_s']:.0f} MB/s, "
          f"peak RSS {r['peak_rss_mb']:.0f} MB", flush=True)


def markdown_table(result: dict) -> str:
    runs = result["runs"]
    head = "| | " + " | ".join(f"{r['events']:,}" for r in runs) + " |"
    sep = "|---|" + "---|" * len(runs)
    rows = [
        ("first paint / floor (s)", lambda r: f"{r['first_paint_s']:.2f} / {r['floor_first_paint_s']:.2f} "
                                             f"({r['first_paint_s'] / r['floor_first_paint_s']:.2f}×)"),
        ("filter → all panes p50 / p95 (ms)", lambda r: f"{r['filter_ms']['p50']:.1f} / {r['filter_ms']['p95']:.1f}"),
        ("3+ char text p50 / p95 (ms)", lambda r: f"{r['text3_ms']['p50']:.1f} / {r['text3_ms']['p95']:.1f}"),
        ("1–2 char text p50 / p95 (ms)", lambda r: f"{r['text2_ms']['p50']:.1f} / {r['text2_ms']['p95']:.1f}"),
        ("select p50 / p95 (ms)", lambda r: f"{r['select_ms']['p50']:.1f} / {r['select_ms']['p95']:.1f}"),
        ("pan/zoom frame p50 / p95 (ms)", lambda r: f"{r['pan_frame_ms']['p50']:.1f} / {r['pan_frame_ms']['p95']:.1f}"),
        ("CSV export (s, MB/s)", lambda r: f"{r['export_s']:.2f} s, {r['export_mb_s']:.0f} MB/s"),
        ("peak RSS (MB)", lambda r: f"{r['peak_rss_mb']:.0f}"),
    ]
    lines = [f"Machine: {result['machine']}", "", head, sep]
    lines += ["| " + name + " | " + " | ".join(fn(r) for r in runs) + " |" for name, fn in rows]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
