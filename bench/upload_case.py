"""One benchmark process: read an attendance sheet as an upload is read (``read_sheet``).

``build DIR`` writes the two workbooks (tests/workbooks.py): ``large.xlsx``, 5,000 people with
shared strings as Excel writes them, and ``bomb.xlsx``, a few hundred kilobytes whose shared
strings unpack to 95 MB (issue 14). ``measure bomb|large FILE`` reads one, several times, in a
process of its own, so that the peak RSS printed is what reading (or refusing) it costs on top
of Django: the bomb must be refused at the memory of a process that did nothing (the guard
reads the archive's directory only), the large sheet read within tens of megabytes.
Prints one JSON object per case.
"""

from __future__ import annotations

import json
import resource
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CASES = {"bomb": ("attendance_xlsx_bomb_refused", "95MB", 5),
         "large": ("attendance_xlsx_read", "5000", 3)}


def peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def build(folder: Path) -> None:
    from tests.workbooks import large_sheet, shared_strings_bomb

    (folder / "large.xlsx").write_bytes(large_sheet(5000))
    (folder / "bomb.xlsx").write_bytes(shared_strings_bomb(95))
    print(json.dumps({"built": str(folder)}))


def measure(kind: str, path: Path) -> None:
    from common import setup, timed

    setup()
    from workplan.delivery.attendance import SheetError, read_sheet

    name, scale, runs = CASES[kind]
    data = path.read_bytes()
    before = peak_mb()
    outcome = {}

    def read():
        try:
            headers, rows = read_sheet(path.name, data)
            outcome.update(rows=len(rows), refused=None)
        except SheetError as error:
            outcome.update(rows=0, refused=str(error))

    median = timed(read, runs)
    if kind == "bomb" and not outcome["refused"]:
        raise SystemExit("the bomb was read, not refused")
    if kind == "large" and outcome["rows"] != 5000:
        raise SystemExit(f"the large sheet gave {outcome['rows']} rows")
    print(json.dumps({"name": name, "scale": scale, "median_ms": median, "queries": None,
                      "floor_ms": None, "peak_rss_mb": peak_mb(), "rss_before_mb": before,
                      "bytes": len(data), **outcome}))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "bench"))
    if sys.argv[1] == "build":
        build(Path(sys.argv[2]))
    else:
        measure(sys.argv[2], Path(sys.argv[3]))
