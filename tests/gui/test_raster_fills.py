"""Qt's raster fills stay on the painting thread (explorer.gui.application.serial_raster_fills).

Each check runs in its own interpreter: Qt reads the setting once per process, and this one
has painted long ago.
"""

import sys
import textwrap

import pytest

from tests.core import run_python

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="threads are counted from /proc")

# A translucent fill tall enough for Qt to hand to its thread pool (96 or more scanlines).
FILL = """
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtGui import QColor, QImage, QPainter
    from explorer.gui.application import raster_pool_threads
    image = QImage(400, 400, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.fillRect(QRect(0, 0, 400, 400), QColor(21, 101, 192, 150))
    p.end()
    print(raster_pool_threads(), image.pixelColor(200, 200).alpha())
"""


def _run(setup: str) -> list[str]:
    return run_python("import os\nos.environ['QT_QPA_PLATFORM'] = 'offscreen'\n" + setup + textwrap.dedent(FILL)).split()


def test_qt_pools_a_tall_translucent_fill_by_default():
    # The control: without the setting this Qt paints such a fill on pooled threads.
    pooled, alpha = _run("os.environ.pop('QT_NO_GUI_THREADPOOL', None)\n"
                         "from PySide6.QtWidgets import QApplication\napp = QApplication([])\n")
    if pooled == "0":
        pytest.skip("this Qt build paints on the calling thread anyway (no GUI thread pool)")
    assert int(pooled) > 0 and alpha == "150"


def test_the_app_paints_the_same_fill_on_its_own_thread():
    pooled, alpha = _run("os.environ.pop('QT_NO_GUI_THREADPOOL', None)\n"
                         "from explorer.gui.application import create_app\napp = create_app()\n")
    assert (pooled, alpha) == ("0", "150")
