"""Qt-free tests of explorer.core."""

import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run_python(code: str) -> str:
    """What ``code`` prints, run in a fresh interpreter from the checkout (for checks that
    change the whole process: the garbage collector, SQLite's start-up settings)."""
    r = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, cwd=REPO,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    return r.stdout
