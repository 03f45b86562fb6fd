"""What the registration tests read PDFs with (poppler's own readers), and a name full of
markup (set as text, never read by Typst)."""

import shutil
import struct
import subprocess
import zlib

import pytest

# Markup in a name is set as text, never read by Typst.
HOSTILE = '#panic("x") *Zoë* $m$ Nguyễn'


def needs(tool: str) -> None:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed")


def png(width=60, height=30) -> bytes:
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    raw = b"".join(b"\x00" + b"\x10\x40\x90" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                                              0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def pdf_text(pdf: bytes) -> str:
    needs("pdftotext")
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                         check=True).stdout.decode()
    return " ".join(out.split())


def pdf_info(pdf: bytes) -> dict:
    needs("pdfinfo")
    out = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True)
    return dict(line.split(":", 1) for line in out.stdout.decode().splitlines() if ":" in line)
