"""Render resources/icon.svg to the PNG sizes, the Windows .ico and the macOS .icns.

Usage (once after changing the SVG; the outputs are committed)::

    uv run --with pillow python resources/make_icons.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

HERE = Path(__file__).resolve().parent
SIZES = (16, 24, 32, 48, 64, 128, 256, 512, 1024)


def render(renderer: QSvgRenderer, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


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
    biggest.save(HERE / "icon.icns")
    del app
    print(f"wrote {len(SIZES)} PNGs, icon.ico and icon.icns")
    return 0


if __name__ == "__main__":
    sys.exit(main())
