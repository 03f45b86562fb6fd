"""Word building blocks shared by the reports: styles, shaded header rows that repeat on each
page, fields (page numbers, a table of contents Word fills in), tables of rows, pictures.

Documents use Word's built-in styles (Title, Heading 1-3, Caption, Table Grid, List Bullet)
with the office's fonts and colours set on the styles themselves, so staff edit the report as
any other Word document: change a style and every heading follows.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

BLUE = RGBColor(0x0B, 0x53, 0x94)
MUTED = RGBColor(0x56, 0x60, 0x6B)
HEADER_FILL = "DCE6F1"
FONT = "Arial"
A4 = (Cm(21.0), Cm(29.7))


def _font(style, name: str = FONT) -> None:
    """Set a style's font for every script, replacing theme fonts (which Word would prefer)."""
    style.font.name = name
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    fonts.set(qn("w:eastAsia"), name)
    fonts.set(qn("w:cs"), name)


def new_document(*, title: str, subject: str, author: str) -> Document:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = A4
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.2))
    section.top_margin, section.bottom_margin = Cm(2.2), Cm(2.2)
    styles = doc.styles
    normal = styles["Normal"]
    _font(normal)
    normal.font.size = Pt(10.5)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    for name, size in (("Title", 30), ("Subtitle", 15), ("Heading 1", 17), ("Heading 2", 13.5),
                       ("Heading 3", 11.5), ("TOC Heading", 17)):
        style = styles[name]
        _font(style)
        style.font.size = Pt(size)
        style.font.color.rgb = BLUE
    styles["Heading 3"].font.color.rgb = RGBColor(0x1B, 0x1F, 0x24)
    for name in ("Heading 1", "Heading 2", "Heading 3"):
        # set here, not left to the template: a heading never ends a page without its text
        styles[name].paragraph_format.keep_with_next = True
        styles[name].paragraph_format.keep_together = True
    styles["Heading 1"].paragraph_format.space_after = Pt(10)
    styles["Heading 2"].paragraph_format.space_before = Pt(14)
    styles["Subtitle"].font.italic = False
    caption = styles["Caption"]
    _font(caption)
    caption.font.size = Pt(9)
    caption.font.color.rgb = MUTED
    caption.font.bold = False
    for name in ("Table Grid", "List Bullet"):
        _font(styles[name])
    _add_styles(doc)
    doc.core_properties.title = title
    doc.core_properties.subject = subject
    doc.core_properties.author = author
    doc.core_properties.comments = "Prepared with Workplan from the office's records."
    return doc


def _paragraph_style(doc, name: str, *, base: str = "Normal", size: float | None = None,
                     bold: bool = False, italic: bool = False, color=None,
                     right: bool = False, after: float | None = None, keep: bool = False):
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles[base]
    style.quick_style = True
    if size:
        style.font.size = Pt(size)
    if bold:
        style.font.bold = True
    if italic:
        style.font.italic = True
    if color is not None:
        style.font.color.rgb = color
    if right:
        style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if after is not None:
        style.paragraph_format.space_after = Pt(after)
    if keep:
        style.paragraph_format.keep_with_next = True
    return style


def _add_styles(doc) -> None:
    """The report's own paragraph styles (cells, event titles and facts): formatting lives in
    styles, not in each run, so the document stays small, fast to write and easy to restyle."""
    table = _paragraph_style(doc, "Table Text", size=9, after=0)
    table.paragraph_format.line_spacing = 1.0
    _paragraph_style(doc, "Table Number", base="Table Text", right=True)
    _paragraph_style(doc, "Table Heading", base="Table Text", bold=True)
    _paragraph_style(doc, "Table Heading Number", base="Table Heading", right=True)
    _paragraph_style(doc, "Event Title", bold=True, after=2, keep=True)
    facts = doc.styles.add_style("Event Facts", WD_STYLE_TYPE.CHARACTER)
    facts.quick_style = True
    facts.font.size = Pt(9)
    facts.font.italic = True
    facts.font.bold = False
    facts.font.color.rgb = MUTED
    _paragraph_style(doc, "Lead", color=MUTED, keep=True)
    # What introduces a table stays on the table's page (with its first rows).
    _paragraph_style(doc, "Table Caption", base="Caption", keep=True)
    _paragraph_style(doc, "Table Intro", keep=True)
    _paragraph_style(doc, "Action Text", italic=True, color=MUTED, keep=True)


def to_bytes(doc: Document, *, fixed: dt.date | None = None) -> bytes:
    """The .docx; with ``fixed``, reproducible: the document's dates and every part's time
    stamp in the zip are that day's, so the same content gives the same bytes."""
    buffer = io.BytesIO()
    if fixed is not None:
        moment = dt.datetime.combine(fixed, dt.time(12, 0))
        props = doc.core_properties
        props.created = props.modified = props.last_printed = moment
    doc.save(buffer)
    if fixed is None:
        return buffer.getvalue()
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w",
                                                            zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=(fixed.year, fixed.month,
                                                             fixed.day, 12, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(item.filename))
    return out.getvalue()


def page_break(doc) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def landscape_section(doc):
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = A4[1], A4[0]
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.8))
    return section


def portrait_section(doc):
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = A4
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.2))
    return section


def field(paragraph, instruction: str, shown: str = "") -> None:
    """A Word field (PAGE, TOC ...) with the text shown until Word updates it."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    begin.set(qn("w:dirty"), "true")
    run._r.append(begin)
    run = paragraph.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    run._r.append(text)
    run = paragraph.add_run()
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run._r.append(separate)
    paragraph.add_run(shown)
    run = paragraph.add_run()
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(end)


def update_fields_on_open(doc) -> None:
    """Ask Word to refresh the fields (the table of contents) when the file is opened."""
    settings = doc.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)


def header_and_footer(section, text: str) -> None:
    section.header.is_linked_to_previous = False
    section.footer.is_linked_to_previous = False
    header = section.header.paragraphs[0]
    header.text = ""
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = header.add_run(text)
    run.font.size = Pt(8.5)
    run.font.color.rgb = MUTED
    footer = section.footer.paragraphs[0]
    footer.text = ""
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field(footer, "PAGE", "1")


def shade(cell, fill: str = HEADER_FILL) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def style_id(doc, name: str) -> str:
    """The id of a style (looked up once per document: python-docx's lookup by name reads
    every style each time)."""
    ids = doc.__dict__.setdefault("_workplan_style_ids", {})
    if name not in ids:
        ids[name] = doc.styles[name].style_id
    return ids[name]


def styled(paragraph, doc, name: str):
    paragraph._p.get_or_add_pPr().style = style_id(doc, name)
    return paragraph


def para(doc, text: str = "", name: str | None = None):
    """``doc.add_paragraph(text, style=name)``, without the slow lookup by name."""
    paragraph = doc.add_paragraph(text)
    return styled(paragraph, doc, name) if name else paragraph


def picture_place(doc, caption: str):
    """An empty centred paragraph where a picture will go, and its caption: (place,
    caption) paragraphs for ``fill_pictures``."""
    place = doc.add_paragraph()
    place.alignment = WD_ALIGN_PARAGRAPH.CENTER
    place.paragraph_format.keep_with_next = True
    label = para(doc, caption, "Caption")
    label.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return place, label


def fill_pictures(places, images: dict[str, bytes], alts: dict[str, str],
                  width_cm: float = 16.0) -> None:
    """Put each picture in its place, with its alternative text (``alts``: what a screen
    reader says of it, Word's "Alt Text"); without a picture the place and caption go away."""
    for key, place, label in places:
        if key in images:
            shape = place.add_run().add_picture(io.BytesIO(images[key]), width=Cm(width_cm))
            shape._inline.docPr.set("descr", alts[key])
        else:
            for paragraph in (place, label):
                paragraph._p.getparent().remove(paragraph._p)


def append_body(doc, other: Document, *, skip_first_heading: bool = True) -> None:
    """Copy another document's body (paragraphs and tables, not its section settings) to the
    end of ``doc``; both use the same built-in style names."""
    import copy

    body = doc.element.body
    anchor = body.sectPr  # the last section's properties stay last
    skipped = not skip_first_heading
    for element in list(other.element.body):
        if element.tag == qn("w:sectPr"):
            continue
        if not skipped and element.tag == qn("w:p"):
            skipped = True
            continue
        anchor.addprevious(copy.deepcopy(element))


# --- fast writing -------------------------------------------------------------------------------
#
# python-docx builds each paragraph and cell through its object model (a few hundred
# microseconds each); a report of a thousand paragraphs and cells spends seconds there. The
# ``Writer`` writes the same WordprocessingML (the same styles, by id) as text and parses it
# in one go.

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
DXA_PER_CM = 567


def _t(text) -> str:
    """Runs' text: escaped, line breaks as <w:br/>."""
    clean = escape(_NOT_XML.sub("", "" if text is None else str(text)))
    return '</w:t><w:br/><w:t xml:space="preserve">'.join(clean.split("\n"))


class Writer:
    """Appends paragraphs and tables to ``doc`` as XML text; ``flush`` before using the
    python-docx API again (pictures, sections), so that the order is kept."""

    def __init__(self, doc):
        self.doc = doc
        self.parts: list[str] = []

    def _style(self, name: str) -> str:
        return style_id(self.doc, name)

    def run(self, text, *, style: str | None = None, bold: bool = False,
            italic: bool = False) -> str:
        props = ""
        if style or bold or italic:
            props = "<w:rPr>" + (f'<w:rStyle w:val="{self._style(style)}"/>' if style else "") \
                + ("<w:b/>" if bold else "") + ("<w:i/>" if italic else "") + "</w:rPr>"
        return f'<w:r>{props}<w:t xml:space="preserve">{_t(text)}</w:t></w:r>'

    def paragraph(self, text="", style: str | None = None, *, runs: list[str] | None = None,
                  center: bool = False) -> None:
        props = ""
        if style or center:
            props = "<w:pPr>" + (f'<w:pStyle w:val="{self._style(style)}"/>' if style else "") \
                + ('<w:jc w:val="center"/>' if center else "") + "</w:pPr>"
        body = "".join(runs) if runs is not None else (self.run(text) if text != "" else "")
        self.parts.append(f"<w:p>{props}{body}</w:p>")

    def heading(self, text, level: int) -> None:
        self.paragraph(text, f"Heading {level}")

    def page_break(self) -> None:
        self.parts.append('<w:p><w:r><w:br w:type="page"/></w:r></w:p>')

    def table(self, headers: list[str], rows, *, widths: list[float],
              numeric: set[int] | None = None, footer: list | None = None,
              header_style: bool = True) -> None:
        numeric = numeric or set()
        twips = [round(w * DXA_PER_CM) for w in widths]
        text, number = self._style("Table Text"), self._style("Table Number")
        head, head_number = self._style("Table Heading"), self._style("Table Heading Number")

        def cell(value, index, style, fill=None):
            # A list is lines of one cell (a KPI and what it counts): one run each.
            lines = value if isinstance(value, list | tuple) else [value]
            shading = (f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>'
                       if fill else "")
            runs = "<w:r><w:br/></w:r>".join(
                f'<w:r><w:t xml:space="preserve">{_t(line)}</w:t></w:r>' for line in lines)
            return (f'<w:tc><w:tcPr><w:tcW w:w="{twips[index]}" w:type="dxa"/>{shading}'
                    f'</w:tcPr><w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>'
                    f'{runs}</w:p></w:tc>')

        out = ['<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" '
               'w:type="auto"/><w:jc w:val="center"/><w:tblLook w:val="04A0" '
               'w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
               'w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>',
               "".join(f'<w:gridCol w:w="{w}"/>' for w in twips), "</w:tblGrid>"]
        if header_style:
            out.append('<w:tr><w:trPr><w:tblHeader/></w:trPr>' + "".join(
                cell(h, i, head_number if i in numeric else head, HEADER_FILL)
                for i, h in enumerate(headers)) + "</w:tr>")
        for values in rows:
            out.append("<w:tr>" + "".join(cell(v, i, number if i in numeric else text)
                                          for i, v in enumerate(values)) + "</w:tr>")
        if footer is not None:
            out.append("<w:tr>" + "".join(cell(v, i, head_number if i in numeric else head,
                                               "EEF3F9") for i, v in enumerate(footer))
                       + "</w:tr>")
        out.append("</w:tbl>")
        self.parts.append("".join(out))
        self.paragraph("", "Table Text")  # room after the table

    def flush(self) -> None:
        if not self.parts:
            return
        from docx.oxml import parse_xml

        body = parse_xml(f'<w:body xmlns:w="{W_NS}">{"".join(self.parts)}</w:body>')
        anchor = self.doc.element.body.sectPr
        for element in list(body):
            anchor.addprevious(element)
        self.parts = []
