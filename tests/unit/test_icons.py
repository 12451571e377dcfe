"""The committed icon files carry every size the systems ask for (read from their own headers,
without Pillow or Qt, so a regenerated file that drops one is caught)."""

from __future__ import annotations

import struct
from pathlib import Path

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def icns_entries(data: bytes) -> dict[bytes, tuple[int, int]]:
    """Type -> (width, height) of each PNG-coded entry of an .icns file."""
    assert data[:4] == b"icns"
    assert struct.unpack(">I", data[4:8])[0] == len(data)
    entries: dict[bytes, tuple[int, int]] = {}
    offset = 8
    while offset < len(data):
        kind, length = (
            data[offset : offset + 4],
            struct.unpack(">I", data[offset + 4 : offset + 8])[0],
        )
        assert length >= 8
        body = data[offset + 8 : offset + length]
        if body.startswith(PNG_MAGIC):
            entries[kind] = struct.unpack(">II", body[16:24])
        offset += length
    assert offset == len(data)
    return entries


def test_icns_has_every_size_at_1x_and_2x() -> None:
    """16 and 32 px 1x entries (icp4, icp5) as well as the @2x and large ones."""
    entries = icns_entries((RESOURCES / "icon.icns").read_bytes())
    expected = {
        b"icp4": 16,
        b"icp5": 32,
        b"ic11": 32,
        b"ic12": 64,
        b"ic07": 128,
        b"ic13": 256,
        b"ic08": 256,
        b"ic14": 512,
        b"ic09": 512,
        b"ic10": 1024,
    }
    assert {kind: size for kind, (size, _h) in entries.items()} == expected
    assert all(width == height for width, height in entries.values())


def test_icns_table_of_contents_matches_the_entries() -> None:
    data = (RESOURCES / "icon.icns").read_bytes()
    assert data[8:12] == b"TOC "
    toc_length = struct.unpack(">I", data[12:16])[0]
    toc = data[16 : 8 + toc_length]
    listed = [
        (toc[i : i + 4], struct.unpack(">I", toc[i + 4 : i + 8])[0]) for i in range(0, len(toc), 8)
    ]
    offset = 8 + toc_length
    for kind, length in listed:
        assert data[offset : offset + 4] == kind
        assert struct.unpack(">I", data[offset + 4 : offset + 8])[0] == length
        offset += length
    assert offset == len(data)


def test_ico_has_16_to_256_px() -> None:
    data = (RESOURCES / "icon.ico").read_bytes()
    _reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert kind == 1
    # Width and height are one byte each in the directory; 0 means 256.
    sizes = {data[6 + 16 * i] or 256 for i in range(count)}
    assert {16, 32, 48, 256} <= sizes
