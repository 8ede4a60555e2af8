#!/usr/bin/env python3
"""Draws src-tauri/icons/icon.png: a rounded teal square with a white certificate card.

Pure standard library (zlib + struct), so it runs anywhere Python 3 does. The card stands for the
資格確認書; the shapes are anti-aliased by 4x4 supersampling. Output is 256x256 RGBA, as
`tauri::generate_context!` requires. Beside it, icon.ico for the Windows installer: the same PNG
inside an ICO container (one 256x256 entry, which Windows reads since Vista).
"""

import struct
import sys
import zlib
from pathlib import Path

SIZE = 256
SS = 4  # supersampling factor per axis

TEAL = (0x0F, 0x76, 0x6E)
WHITE = (0xFF, 0xFF, 0xFF)
LIGHT = (0x99, 0xD5, 0xCF)


def rounded_rect(x, y, x0, y0, x1, y1, r):
    """True when (x, y) lies in the rectangle [x0,x1]x[y0,y1] with corner radius r."""
    if x < x0 or x > x1 or y < y0 or y > y1:
        return False
    cx = min(max(x, x0 + r), x1 - r)
    cy = min(max(y, y0 + r), y1 - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r


def shade(x, y):
    """The colour and alpha of one subsample at (x, y) in 256-unit coordinates."""
    if not rounded_rect(x, y, 8, 8, 248, 248, 48):
        return None
    colour = TEAL
    # The card.
    if rounded_rect(x, y, 40, 68, 216, 188, 16):
        colour = WHITE
        # Photo box on the left.
        if rounded_rect(x, y, 58, 90, 108, 150, 6):
            colour = TEAL
        # Three text lines on the right.
        for top in (94, 116, 138):
            if rounded_rect(x, y, 124, top, 198 if top != 138 else 170, top + 10, 5):
                colour = LIGHT
        # A stripe along the bottom.
        if rounded_rect(x, y, 58, 162, 198, 170, 4):
            colour = TEAL
    return colour


def render():
    rows = []
    step = 1.0 / SS
    for py in range(SIZE):
        row = bytearray([0])  # PNG filter type 0
        for px in range(SIZE):
            r = g = b = a = 0
            for sy in range(SS):
                for sx in range(SS):
                    c = shade(px + (sx + 0.5) * step, py + (sy + 0.5) * step)
                    if c is not None:
                        r += c[0]
                        g += c[1]
                        b += c[2]
                        a += 1
            if a:
                row += bytes((r // a, g // a, b // a, 255 * a // (SS * SS)))
            else:
                row += b"\0\0\0\0"
        rows.append(bytes(row))
    return b"".join(rows)


def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def main():
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "src-tauri/icons/icon.png"
    ihdr = struct.pack(">IIBBBBB", SIZE, SIZE, 8, 6, 0, 0, 0)  # 8-bit RGBA
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(render(), 9)) + chunk(b"IEND", b"")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(png)
    print(f"wrote {out} ({len(png)} bytes)")
    # ICONDIR (reserved, type 1 = icon, one image), then its ICONDIRENTRY (0 means 256 px), then
    # the PNG itself at offset 6 + 16.
    ico = struct.pack("<HHH", 0, 1, 1) + struct.pack("<BBBBHHII", 0, 0, 0, 0, 1, 32, len(png), 22) + png
    ico_out = out.with_suffix(".ico")
    ico_out.write_bytes(ico)
    print(f"wrote {ico_out} ({len(ico)} bytes)")


if __name__ == "__main__":
    main()
