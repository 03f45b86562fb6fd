"""What the registration tests read PDFs with (poppler's own readers), and a name full of
markup (set as text, never read by Typst)."""

import re
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


def figure_box(pdf: bytes, alt: str, tmp_path) -> tuple[float, float, float, float]:
    """The box (PDF points: left, bottom, right, top) of the tagged figure whose alternative
    text is ``alt``, as the PDF's structure tree gives it (PDF/UA: every figure has one),
    read with qpdf."""
    needs("qpdf")
    source, expanded = tmp_path / "box-in.pdf", tmp_path / "box-out.pdf"
    source.write_bytes(pdf)
    subprocess.run(["qpdf", "--qdf", "--object-streams=disable", str(source), str(expanded)],
                   check=True, capture_output=True)
    text = expanded.read_bytes().decode("latin-1")
    number = r"\s*(-?[\d.]+)"
    found = re.findall(rf"/BBox \[{number * 4}\s*\][^\]]*\]\s*/Alt \({re.escape(alt)}\)", text)
    assert len(found) == 1, f"{len(found)} figures with the alternative text {alt!r}"
    return tuple(float(n) for n in found[0])


def page_gray(pdf: bytes, dpi: int) -> tuple[int, int, bytes]:
    """The first page drawn by poppler (pdftoppm) in grey levels: width, height, pixels."""
    needs("pdftoppm")
    out = subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), "-f", "1", "-l", "1", "-"],
                         input=pdf, capture_output=True, check=True).stdout
    header = re.match(rb"P5\s(\d+)\s(\d+)\s255\s", out)
    assert header, out[:20]
    return int(header[1]), int(header[2]), out[header.end():]


def qr_modules(pdf: bytes, alt: str, size: int, tmp_path, dpi: int = 150) -> list[list[int]]:
    """The QR code as printed: the page drawn by poppler, the figure ``alt`` cut out of it
    and read module by module (``size`` modules across, margin included), 1 for dark."""
    left, _bottom, right, top = figure_box(pdf, alt, tmp_path)
    width, height, pixels = page_gray(pdf, dpi)
    scale = dpi / 72
    step = (right - left) / size
    modules = []
    for row in range(size):
        y = round(height - (top - (row + 0.5) * step) * scale)
        line = []
        for column in range(size):
            x = round((left + (column + 0.5) * step) * scale)
            line.append(1 if pixels[y * width + x] < 128 else 0)
        modules.append(line)
    return modules
