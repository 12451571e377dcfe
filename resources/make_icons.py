"""Render resources/icon.svg to the PNG sizes, the Windows .ico and the macOS .icns.

The .icns is written here rather than by Pillow: Pillow's writer leaves out the 16 and 32 px
1x entries ('icp4', 'icp5'), so Finder's list view and the menu-bar size scaled a big one down.

Usage (once after changing the SVG; the outputs are committed)::

    uv run --with pillow python resources/make_icons.py
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

HERE = Path(__file__).resolve().parent
SIZES = (16, 24, 32, 48, 64, 128, 256, 512, 1024)
# Every PNG-coded type of a modern .icns, with its pixel size (Apple's "@2x" types hold the
# image for twice the point size): 16, 32, 128, 256, 512 points at 1x and 2x.
ICNS_TYPES = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"ic11", 32),  # 16 pt @2x
    (b"ic12", 64),  # 32 pt @2x
    (b"ic07", 128),
    (b"ic13", 256),  # 128 pt @2x
    (b"ic08", 256),
    (b"ic14", 512),  # 256 pt @2x
    (b"ic09", 512),
    (b"ic10", 1024),  # 512 pt @2x
)


def render(renderer: QSvgRenderer, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def icns(pngs: dict[int, bytes]) -> bytes:
    """An .icns file: the header, a table of contents, then one PNG per type."""
    entries = [(kind, pngs[size]) for kind, size in ICNS_TYPES]
    toc = b"".join(kind + struct.pack(">I", 8 + len(data)) for kind, data in entries)
    chunks = [b"TOC " + struct.pack(">I", 8 + len(toc)) + toc]
    chunks += [kind + struct.pack(">I", 8 + len(data)) + data for kind, data in entries]
    body = b"".join(chunks)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main() -> int:
    app = QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(HERE / "icon.svg"))
    if not renderer.isValid():
        print("icon.svg could not be read", file=sys.stderr)
        return 1
    out = HERE / "icons"
    out.mkdir(exist_ok=True)
    for size in SIZES:
        render(renderer, size).save(str(out / f"icon-{size}.png"))
    biggest = Image.open(out / "icon-1024.png")
    biggest.save(HERE / "icon.ico", sizes=[(s, s) for s in (16, 24, 32, 48, 64, 128, 256)])
    pngs = {size: (out / f"icon-{size}.png").read_bytes() for _kind, size in ICNS_TYPES}
    (HERE / "icon.icns").write_bytes(icns(pngs))
    del app
    print(f"wrote {len(SIZES)} PNGs, icon.ico and icon.icns")
    return 0


if __name__ == "__main__":
    sys.exit(main())
