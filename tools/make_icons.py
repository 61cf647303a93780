#!/usr/bin/env python3
"""Render resources/icons/app.svg to app.png, app.ico and app.icns.

Dependencies: only PySide6 (PySide6-Essentials is enough: QtSvg plus the
qico/qicns image-format plugins that ship with it). Runs headless:
QT_QPA_PLATFORM defaults to "offscreen".

Outputs (resources/icons/)
    app.png   256x256 RGBA
    app.ico   Windows icon with 16, 24, 32, 48, 64, 128 and 256 px images.
              Qt's ico writer writes one image per file, so the script encodes
              each size with Qt and then packs them into one ICONDIR: 32-bit
              BMP/DIB entries (from Qt's ico writer) up to 48 px, and PNG
              entries (allowed since Windows Vista) from 64 px up, which keeps
              the 256 px entry small.
    app.icns  macOS icon with 16-1024 px images, including the @2x variants.
              Qt's icns writer also writes one image per file (with a PNG
              payload), so the script encodes each size with Qt and
              re-packs the entries (plus a TOC) into one file, as iconutil
              would.

Usage (from the repository root)
    .venv/bin/python tools/make_icons.py [--iconset /tmp/app.iconset]
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt, qInstallMessageHandler  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QImageReader, QImageWriter, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ICON_DIR = ROOT / "resources" / "icons"
SVG = ICON_DIR / "app.svg"

ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICO_PNG_FROM = 64           # sizes >= this are stored as PNG inside the .ico
# icns element type -> pixel size (PNG payload); @2x types reuse the bitmaps
ICNS_TYPES = (
    (b"icp4", 16), (b"icp5", 32), (b"icp6", 64), (b"ic07", 128),
    (b"ic08", 256), (b"ic09", 512), (b"ic10", 1024),
    (b"ic11", 32), (b"ic12", 64), (b"ic13", 256), (b"ic14", 512),
)


def render(renderer: QSvgRenderer, size: int) -> QImage:
    img = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(p, QRectF(0, 0, size, size))
    p.end()
    return img.convertToFormat(QImage.Format.Format_ARGB32)


def encode(img: QImage, fmt: str) -> bytes:
    ba = QByteArray()
    buf = QBuffer(ba)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    w = QImageWriter(buf, fmt.encode())
    if not w.write(img):
        raise RuntimeError(f"Qt could not write {fmt}: {w.errorString()}")
    buf.close()
    return bytes(ba.data())


def _zero_mask_padding(dib: bytes, size: int) -> bytes:
    """Clear the row padding of the 1-bit AND mask in a Qt-written DIB.

    Qt leaves those bytes uninitialised, which makes the .ico differ from
    run to run; Windows ignores them.
    """
    hdr = struct.unpack("<I", dib[:4])[0]          # BITMAPINFOHEADER size (40)
    stride = (size + 31) // 32 * 4
    used = (size + 7) // 8
    mask_at = hdr + size * size * 4
    if len(dib) != mask_at + stride * size:
        raise RuntimeError("unexpected DIB layout from Qt's ico writer")
    out = bytearray(dib)
    for row in range(size):
        start = mask_at + row * stride
        out[start + used:start + stride] = bytes(stride - used)
        if size % 8:
            out[start + used - 1] &= (0xFF << (8 - size % 8)) & 0xFF
    return bytes(out)


def build_ico(images: dict[int, QImage]) -> bytes:
    payloads = []
    for s in ICO_SIZES:
        if s >= ICO_PNG_FROM:
            data = encode(images[s], "png")
        else:
            single = encode(images[s], "ico")       # ICONDIR + 1 entry + DIB
            reserved, typ, count = struct.unpack("<HHH", single[:6])
            assert (reserved, typ, count) == (0, 1, 1), "unexpected Qt .ico"
            size, offset = struct.unpack("<II", single[14:22])
            data = _zero_mask_padding(single[offset:offset + size], s)
        payloads.append((s, data))
    out = bytearray(struct.pack("<HHH", 0, 1, len(payloads)))
    offset = 6 + 16 * len(payloads)
    for s, data in payloads:
        dim = 0 if s >= 256 else s
        out += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
    for _s, data in payloads:
        out += data
    return bytes(out)


def build_icns(renderer: QSvgRenderer) -> bytes:
    png_for_size: dict[int, bytes] = {}
    for _t, s in ICNS_TYPES:
        if s in png_for_size:
            continue
        single = encode(render(renderer, s), "icns")
        assert single[:4] == b"icns", "unexpected Qt .icns"
        off, found = 8, None
        while off < len(single):
            typ, ln = struct.unpack(">4sI", single[off:off + 8])
            if typ != b"TOC ":
                found = single[off + 8:off + ln]
            off += ln
        if not found or not found.startswith(b"\x89PNG"):
            raise RuntimeError(f"Qt icns writer gave no PNG element for {s}px")
        png_for_size[s] = found
    elements = [(t, png_for_size[s]) for t, s in ICNS_TYPES]
    toc = b"TOC " + struct.pack(">I", 8 + 8 * len(elements)) + b"".join(
        t + struct.pack(">I", 8 + len(d)) for t, d in elements)
    body = toc + b"".join(t + struct.pack(">I", 8 + len(d)) + d
                          for t, d in elements)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def _quiet_toc_warning(mode, context, message):
    # Qt 6.12's icns reader warns "Table of contents contains a bad entry" for
    # every TOC, including the single-image files its own writer produces
    # (the TOC entries hold the full element length, as in iconutil output).
    # It then falls back to a block scan and reads every image, so drop it.
    if "Table of contents contains a bad entry" not in message:
        sys.stderr.write(message + "\n")


def check(path: Path, fmt: str) -> list[int]:
    previous = qInstallMessageHandler(_quiet_toc_warning)
    try:
        return _read_sizes(path, fmt)
    finally:
        qInstallMessageHandler(previous)


def _read_sizes(path: Path, fmt: str) -> list[int]:
    r = QImageReader(str(path), fmt.encode())
    sizes = []
    for i in range(max(r.imageCount(), 1)):
        if i:
            r.jumpToImage(i)
        img = r.read()
        if img.isNull():
            raise RuntimeError(f"{path.name}: image {i} unreadable: {r.errorString()}")
        sizes.append(img.width())
    return sizes


def write_iconset(renderer: QSvgRenderer, dest: Path) -> None:
    """Write an Apple .iconset folder (input for `iconutil -c icns`)."""
    dest.mkdir(parents=True, exist_ok=True)
    for s in (16, 32, 128, 256, 512):
        render(renderer, s).save(str(dest / f"icon_{s}x{s}.png"), "PNG")
        render(renderer, 2 * s).save(str(dest / f"icon_{s}x{s}@2x.png"), "PNG")
    print(f"wrote {dest} (run: iconutil -c icns {dest} -o app.icns)")


def main() -> None:
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--iconset", type=Path, metavar="DIR",
                    help="also write an Apple .iconset folder to DIR "
                         "(for building app.icns with iconutil on macOS)")
    args = ap.parse_args()
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        sys.exit(f"cannot parse {SVG}")
    if args.iconset:
        write_iconset(renderer, args.iconset)

    images = {s: render(renderer, s) for s in ICO_SIZES}
    png = ICON_DIR / "app.png"
    if not images[256].save(str(png), "PNG"):
        sys.exit("writing app.png failed")

    ico = ICON_DIR / "app.ico"
    ico.write_bytes(build_ico(images))
    icns = ICON_DIR / "app.icns"
    icns.write_bytes(build_icns(renderer))

    for path, fmt in ((png, "png"), (ico, "ico"), (icns, "icns")):
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size:,} bytes, "
              f"Qt reads back sizes {check(path, fmt)}")


if __name__ == "__main__":
    main()
