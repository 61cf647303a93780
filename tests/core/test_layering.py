"""The core must never import Qt: a test of the architecture, next to the import-linter contract."""

import pkgutil
import subprocess
import sys

import explorer.core


def test_core_imports_no_qt():
    mods = [m.name for m in pkgutil.iter_modules(explorer.core.__path__, "explorer.core.")]
    assert "explorer.core.store" in mods
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in mods)
        + "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6')"
        " or m.startswith('explorer.gui')]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"core pulled in Qt: {out.stdout}"
