"""Pane images through pyqtgraph's exporters, written atomically."""

from __future__ import annotations

import math
import os
from pathlib import Path

import pyqtgraph as pg
import pyqtgraph.exporters as pg_exporters
from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsItem

from explorer.core.files import create_beside, discard, same_file, target_problem, through_links


class ImageExportError(Exception):
    """The image could not be written; the message names the file and why, ``kind`` what
    went wrong (``extension``, a kind of :func:`~explorer.core.files.target_problem`,
    ``unwritable`` or ``write-failed``) and ``path`` the file."""

    def __init__(self, message: str, kind: str = "write-failed", path: str = ""):
        super().__init__(message)
        self.kind = kind
        self.path = path


def export_plot(plot: pg.GraphicsView, path: str | Path, width: int = 2000, legend=None,
                database: Path | None = None) -> Path:
    """Save a plot (a PlotWidget, or any pyqtgraph view) as PNG (``width`` pixels wide) or SVG, chosen by the file extension.

    ``legend``: what the plot's marks mean, drawn below it (an object with
    ``draw(painter, width) -> height``, as :class:`~explorer.gui.timeline_legend.TimelineLegend`).
    ``database``: the file the plot is drawn from, which the image must not replace."""
    path = through_links(Path(path))  # a link keeps leading to the image
    ext = path.suffix.lower()
    problem = target_problem(path)
    if problem is not None:
        raise ImageExportError(f"{path}: {problem[1]}", problem[0], str(path))
    if database is not None and same_file(path, database):
        raise ImageExportError(f"{path}: is the database being shown; choose another file name", "is-database",
                               str(path))
    if ext not in (".png", ".svg"):
        raise ImageExportError(f"{path}: use a .png or .svg file name", "extension", str(path))
    item = plot.getPlotItem() if hasattr(plot, "getPlotItem") else plot.scene()
    try:
        fd, tmp = create_beside(path, suffix=ext)  # the mode the image keeps (mkstemp's is 0o600)
        os.close(fd)
    except OSError as exc:
        raise ImageExportError(f"{path}: cannot write in {path.parent} ({exc.strerror or exc})", "unwritable",
                               str(path)) from exc
    try:
        if ext == ".png":
            exporter = pg_exporters.ImageExporter(item)
            exporter.parameters()["width"] = int(width)
            image = exporter.export(toBytes=True)
            if legend is not None:
                image = _with_legend(image, legend, plot.width())
            if not image.save(tmp, "PNG"):
                raise ImageExportError(f"{path}: the image could not be saved", "write-failed", str(path))
        else:
            # Qt's own SVG generator, drawing the view as the screen shows it, clipped to it
            # (pyqtgraph's SVG exporter clipped nothing, so bars ran over the lane labels and the
            # axis, wrote the labels and the axis as bitmaps, and failed on some paths).
            _qt_svg(plot, tmp, legend)
        if os.path.getsize(tmp) == 0:
            raise ImageExportError(f"{path}: the exporter wrote nothing", "write-failed", str(path))
        os.replace(tmp, path)
    except ImageExportError:
        discard(tmp)
        raise
    except Exception as exc:  # noqa: BLE001 - pyqtgraph/Qt errors become a clear message
        discard(tmp)
        raise ImageExportError(f"{path}: could not be written ({exc})", "write-failed", str(path)) from exc
    return path


def _with_legend(image: QImage, legend, view_width: int) -> QImage:
    """``image`` (the plot, ``view_width`` wide on screen) with the legend below it, drawn
    at the image's scale on white."""
    scale = image.width() / max(view_width, 1)
    room = legend.heightForWidth(view_width)
    out = QImage(image.width(), image.height() + math.ceil(room * scale), QImage.Format.Format_ARGB32)
    out.fill(QColor("white"))
    with QPainter(out) as p:
        p.drawImage(0, 0, image)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        p.translate(0, image.height())
        p.scale(scale, scale)
        legend.draw(p, view_width)
    return out


def _qt_svg(plot: pg.GraphicsView, path: str, legend=None) -> None:
    size = plot.size()
    room = legend.heightForWidth(size.width()) if legend is not None else 0
    gen = QSvgGenerator(QSvgGenerator.SvgVersion.Svg11)  # SVG 1.1 has clip paths: items clipped to the view
    gen.setFileName(path)
    gen.setSize(QSize(size.width(), size.height() + room))
    gen.setViewBox(QRect(0, 0, size.width(), size.height() + room))
    gen.setTitle("Zone Timeline Explorer")
    # Items drawn from images on screen (the map's markers come from an atlas of them) draw
    # vector shapes in an export, as pyqtgraph's exporters ask them to (setExportMode).
    scene_items = plot.scene().items()
    items = [it for it in scene_items if hasattr(it, "setExportMode")]
    for it in items:
        it.setExportMode(True, {"antialias": True, "background": None, "painter": None})
    # Items kept as pixmaps on screen (the lane labels, the map's borders) drawn as vectors.
    cached = [(it, it.cacheMode()) for it in scene_items if it.cacheMode() != QGraphicsItem.CacheMode.NoCache]
    for it, _mode in cached:
        it.setCacheMode(QGraphicsItem.CacheMode.NoCache)
    painter = QPainter(gen)
    try:
        plot.render(painter)
        if legend is not None:
            painter.fillRect(QRect(0, size.height(), size.width(), room), QColor("white"))
            painter.translate(0, size.height())
            legend.draw(painter, size.width())
    finally:
        painter.end()
        for it in items:
            it.setExportMode(False)
        for it, mode in cached:
            it.setCacheMode(mode)
