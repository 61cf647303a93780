"""The Qt-free core: data model, curated sources, database, filters, selection, export.

Nothing under ``explorer.core`` may import PySide6 or pyqtgraph (enforced by an
import-linter contract and by ``tests/core/test_layering.py``).
"""
