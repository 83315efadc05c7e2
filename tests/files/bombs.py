"""Decompression bombs for the tests, written byte by byte so that building one costs no memory."""

from __future__ import annotations

import struct
import zlib


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(width: int = 13_000, height: int = 13_000, truncated: bool = False) -> bytes:
    """A black 1-bit PNG of width x height pixels: 13,000 x 13,000 is about 20 KB on disk and
    169 million pixels once decoded. With truncated=True the pixel data is left out, so only a
    reader that stops at the header can tell anything but "broken" about it."""
    header = _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
    pixels = b""
    if not truncated:
        row = b"\x00" * (1 + (width + 7) // 8)  # filter byte "none", then the row's bits
        packer = zlib.compressobj(9)
        pixels = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    return b"\x89PNG\r\n\x1a\n" + header + _chunk(b"IDAT", pixels) + _chunk(b"IEND", b"")
