"""Typst documents (the annual report's PDF, the charts as pictures for Word), each typeset in
a child process.

Why a child process: Typst memoizes the layout of every compile for the next ten (about 50 MB
for a large annual report), so a web worker that typeset in-process would hold on to half a
gigabyte after ten reports. A child gives its memory back when it exits, and lays every report
out from scratch, so the time measured is the time a user waits. Starting it costs about 25 ms.

The data goes to the template as one JSON document (``sys.inputs.data``): texts arrive as
strings, so what staff typed is set as text and never read as Typst markup.
"""

from __future__ import annotations

import json
import struct
import subprocess
import sys
from pathlib import Path

CHILD = Path(__file__).with_name("typeset_child.py")
TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "reports"
TIMEOUT = 300  # seconds; a large annual report takes under one
# The reports' typeface, then fallbacks (DejaVu for Arabic and more, WenQuanYi or Noto for
# Chinese, Japanese and Korean names); without any, Typst uses the fonts it carries.
FONTS = ["Liberation Sans", "DejaVu Sans", "WenQuanYi Micro Hei", "Noto Sans CJK SC"]


class TypesetError(RuntimeError):
    """Typst refused the template or the data (its diagnostic is the message)."""


class Job:
    """A Typst run started now; ``result()`` waits for its pages."""

    def __init__(self, template: str, data: dict | list, *, fmt: str = "pdf",
                 ppi: float | None = None):
        self.template = TEMPLATES / template
        self.process = subprocess.Popen(
            [sys.executable, str(CHILD), str(self.template), fmt, str(ppi or "")],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:  # the child reads all of it before it writes anything
            self.process.stdin.write(json.dumps(data, ensure_ascii=False).encode("utf-8"))
        except BrokenPipeError:  # it died first: result() reports why
            pass
        finally:
            self.process.stdin.close()
            self.process.stdin = None  # so that communicate() only reads

    def result(self) -> list[bytes]:
        try:
            out, errors = self.process.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.communicate()
            raise TypesetError(f"{self.template.name}: Typst took over {TIMEOUT} s") from None
        if self.process.returncode:
            raise TypesetError(f"{self.template.name}: "
                               f"{errors.decode('utf-8', 'replace').strip()}")
        return _pages(out)


def typeset_pdf(template: str, data: dict) -> bytes:
    """One PDF of ``template`` (a name under the reports' templates, or an absolute path)."""
    return Job(template, data).result()[0]


def typeset_each(template: str, items: list[dict]) -> list[bytes]:
    """One PDF per item of ``items``, all typeset by one child process (``pdf-each``)."""
    if not items:
        return []
    return Job(template, items, fmt="pdf-each").result()


def _pages(out: bytes) -> list[bytes]:
    pages, at = [], 0
    while at < len(out):
        (size,) = struct.unpack_from(">Q", out, at)
        pages.append(out[at + 8:at + 8 + size])
        at += 8 + size
    return pages
