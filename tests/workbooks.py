"""Workbooks built at test (and bench) time: a large, ordinary attendance sheet and one whose
shared strings unpack to tens of megabytes from a few hundred kilobytes (the "zip bomb" of
issue 14). Both are real XLSX files written by openpyxl; the bomb's shared strings are
rewritten, with the workbook otherwise intact, so that only its size is wrong."""

from __future__ import annotations

import io
import re
import zipfile

from openpyxl import Workbook

HEADERS = ["Full name", "Sex", "Country", "E-mail", "Position", "Role"]
MEMBERS = ["Japan", "LAO", "FJI", "VNM", "THA", "IDN", "PHL", "MYS"]


def workbook(rows, headers=HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


SST = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
INLINE = re.compile(rb'<c r="([A-Z]+[0-9]+)"((?: s="[0-9]+")?) t="inlineStr"><is><t[^>]*>'
                    rb"(.*?)</t></is></c>", re.DOTALL)


def with_shared_strings(data: bytes, padding: int = 0) -> bytes:
    """openpyxl's workbook (texts inline in the sheet) as Excel writes it: the texts in
    ``xl/sharedStrings.xml``, the cells pointing to them; plus ``padding`` bytes of strings no
    cell uses, which compress about 400 to 1."""
    strings: dict[bytes, int] = {}

    def shared(match: re.Match) -> bytes:
        index = strings.setdefault(match.group(3), len(strings))
        return b'<c r="%s"%s t="s"><v>%d</v></c>' % (match.group(1), match.group(2), index)

    entry = b"<si><t>" + b"x" * 80 + b"</t></si>"
    extra = padding // len(entry)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as packed, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for item in packed.infolist():
            content = packed.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = INLINE.sub(shared, content)
            elif item.filename == "xl/_rels/workbook.xml.rels":
                content = content.replace(b"</Relationships>", (
                    f'<Relationship Type="{SST_REL}" Target="sharedStrings.xml" Id="rIdSST"/>'
                    "</Relationships>").encode())
            elif item.filename == "[Content_Types].xml":
                content = content.replace(b"</Types>", (
                    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SST_TYPE}"/>'
                    "</Types>").encode())
            target.writestr(item.filename, content)
        total = len(strings) + extra
        target.writestr("xl/sharedStrings.xml", (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<sst xmlns="{SST}" count="{total}" uniqueCount="{total}">').encode()
            + b"".join(b"<si><t>" + text + b"</t></si>" for text in strings)
            + entry * extra + b"</sst>")
    return out.getvalue()


def large_sheet(people: int = 5000) -> bytes:
    """An attendance sheet of ``people`` distinct people (the most a sheet may list), with
    shared strings as Excel writes them."""
    return with_shared_strings(workbook([
        [f"Person {n:05d} Example", "F" if n % 2 else "M", MEMBERS[n % len(MEMBERS)],
         f"person{n}@customs.example", f"Officer grade {n % 7}", "participant"]
        for n in range(people)]))


def shared_strings_bomb(megabytes: int = 95) -> bytes:
    """A valid two-row attendance workbook whose ``xl/sharedStrings.xml`` unpacks to
    ``megabytes`` MB from a few hundred kilobytes: what a reader that loads the shared strings
    whole would hold in memory many times over."""
    return with_shared_strings(
        workbook([["Aiko Tanaka", "F", "Japan", "aiko@customs.example", "Analyst", ""]]),
        padding=megabytes * 1024 * 1024)
