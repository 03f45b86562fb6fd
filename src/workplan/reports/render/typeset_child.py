"""Typst in a process of its own (see ``typeset``): reads the JSON data on stdin and writes the
pages on stdout, each as an 8-byte length and its bytes. Imports only ``typst``, not Django.

Format ``pdf-each``: the data is a JSON list, and each of its items is typeset as a PDF of its
own (one certificate per participant): one child for all of them, which keeps Typst's fonts
and layout cache warm from one document to the next."""

import json
import struct
import sys


def main(template: str, fmt: str, ppi: str) -> int:
    data = sys.stdin.buffer.read().decode("utf-8")
    if fmt == "pdf-each":
        outputs = []
        for item in json.loads(data):
            status, output = _compile(template, "pdf", "", json.dumps(item, ensure_ascii=False))
            if status:
                return status
            outputs.append(output)
        return _write(outputs)
    status, output = _compile(template, fmt, ppi, data)
    return status or _write(output if isinstance(output, list) else [output])


def _compile(template: str, fmt: str, ppi: str, data: str):
    import typst

    try:
        # PDF/UA-1: tagged, with title and language, and viewers show the title
        # (/ViewerPreferences/DisplayDocTitle); Typst refuses what would break it.
        standards = {"pdf_standards": ["ua-1"]} if fmt == "pdf" else {}
        try:
            output = typst.compile(template, format=fmt, ppi=float(ppi) if ppi else None,
                                   sys_inputs={"data": data}, **standards)
        except typst.TypstError as error:
            # A name in a script no installed font covers (UA-1 refuses a missing glyph): the
            # report is still made, tagged, without the UA-1 claim, rather than refused.
            diagnostic = getattr(error, "diagnostic", "") or str(error)
            if not standards or "could not be displayed with font" not in diagnostic:
                raise
            sys.stderr.write("typst: a glyph no installed font has; PDF/UA-1 not claimed\n")
            output = typst.compile(template, format=fmt, sys_inputs={"data": data})
    except typst.TypstError as error:
        sys.stderr.write(getattr(error, "diagnostic", "") or str(error))
        return 1, None
    return 0, output


def _write(pages: list[bytes]) -> int:
    out = sys.stdout.buffer
    for page in pages:
        out.write(struct.pack(">Q", len(page)))
        out.write(page)
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
