"""Uploaded workbooks are bounded before openpyxl loads anything (core/xlsx.py): the archive's
directory is checked, part by part, against ``XlsxLimits``; every message names the file, the
part and the limit."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest

from tests.workbooks import large_sheet, shared_strings_bomb, with_shared_strings, workbook
from workplan.core.xlsx import WorkbookError, XlsxLimits, check_archive, read_workbook

MB = 1024 * 1024


@pytest.fixture(scope="module")
def large() -> bytes:
    return large_sheet()


def rows(book) -> list[tuple]:
    try:
        return list(book.worksheets[0].iter_rows(values_only=True))
    finally:
        book.close()


def test_an_ordinary_workbook_is_read(large):
    data = with_shared_strings(workbook([["Aiko Tanaka", "F", "Japan", "", "", ""]]))
    assert rows(read_workbook(data, name="fine.xlsx"))[1][:3] == ("Aiko Tanaka", "F", "Japan")
    assert len(rows(read_workbook(large, name="large.xlsx"))) == 5001


def test_the_shared_strings_bomb_is_refused_naming_file_part_and_limit():
    data = shared_strings_bomb(95)
    assert len(data) < 400 * 1024  # a few hundred kilobytes, far below the upload limit
    with pytest.raises(WorkbookError) as refused:
        read_workbook(data, name="attendance-bomb.xlsx")
    message = str(refused.value).replace("\xa0", " ")  # sizes keep their unit on the line
    assert "“attendance-bomb.xlsx”" in message
    assert "xl/sharedStrings.xml (the shared strings) unpacks to 95.0 MB" in message
    assert "8.0 MB at most" in message


@pytest.mark.parametrize("limits, expected", [
    (XlsxLimits(parts=5), "holds 10 parts; a workbook read here may hold 5 at most"),
    (XlsxLimits(worksheet=100_000), "xl/worksheets/sheet1.xml (a worksheet) unpacks to"),
    (XlsxLimits(other_xml=5_000), "xl/theme/theme1.xml (a part of the workbook) unpacks to"),
    (XlsxLimits(total=1 * MB), "“x.xlsx” unpacks to 1.4 MB; a workbook read here may unpack "
                               "to 1.0 MB at most"),
    (XlsxLimits(ratio=5, ratio_from=100_000), "xl/worksheets/sheet1.xml (a worksheet) "
                                              "unpacks to 8 times its packed size"),
])
def test_each_limit_is_checked(large, limits, expected):
    data = large
    check_archive(data, name="x.xlsx")  # within the defaults
    with pytest.raises(WorkbookError) as refused:
        check_archive(data, name="x.xlsx", limits=limits)
    assert expected in str(refused.value).replace("\xa0", " ")


def test_a_tightly_packed_part_is_refused_below_its_size_limit():
    data = shared_strings_bomb(5)  # 5 MB: under the 8 MB limit, but packed 290 to 1
    with pytest.raises(WorkbookError, match="times its packed size"):
        check_archive(data, name="small-bomb.xlsx")


def test_not_a_workbook():
    for data in (b"not a zip at all", b"PK\x03\x04" + b"\x00" * 40):
        with pytest.raises(WorkbookError, match="“x.xlsx” is not a readable Excel workbook"):
            read_workbook(data, name="x.xlsx")


def lie_about_size(data: bytes, part: str, size: int) -> bytes:
    """The archive with ``part``'s unpacked size in the central directory (what zipfile
    believes) and in its local header changed to ``size``."""
    raw = bytearray(data)
    name = part.encode()
    at = raw.find(b"PK\x01\x02")  # central directory entries
    while at != -1:
        name_length = struct.unpack_from("<H", raw, at + 28)[0]
        if bytes(raw[at + 46:at + 46 + name_length]) == name:
            struct.pack_into("<I", raw, at + 24, size)
            local = struct.unpack_from("<I", raw, at + 42)[0]
            struct.pack_into("<I", raw, local + 22, size)
        at = raw.find(b"PK\x01\x02", at + 4)
    return bytes(raw)


def test_an_archive_that_lies_about_its_sizes_is_read_no_further_than_it_says():
    data = lie_about_size(shared_strings_bomb(95), "xl/sharedStrings.xml", 4096)
    assert zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/sharedStrings.xml").file_size == 4096
    check_archive(data, name="liar.xlsx")  # the directory looks harmless ...
    # ... and zipfile unpacks only the 4 KB declared, which then fail their checksum.
    with pytest.raises(WorkbookError, match="“liar.xlsx” is not a readable Excel workbook"):
        rows(read_workbook(data, name="liar.xlsx"))
