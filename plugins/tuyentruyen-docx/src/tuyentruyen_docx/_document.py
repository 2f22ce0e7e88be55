"""The Word document around the report: page, styles, page numbers, properties, bytes.

python-docx supplies the package (its default template), the section's page set-up,
the styles, the header with the page number and the core properties. The saved zip
is rewritten with fixed entry times so the same report gives the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, cast

import docx
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement
from docx.shared import Cm, Mm, Pt
from docx.styles.style import ParagraphStyle

from tuyentruyen_docx._report import STYLE_IDS
from tuyentruyen_docx._wml import Block, BodyWriter, Xml, clean_text, paragraph

__all__ = ["AUTHOR", "MARGINS", "build_document", "stable_zip"]

#: The author and last editor written into the document's properties.
AUTHOR = "tuyentruyen"
#: Page margins in millimetres (top, bottom, left, right): inside the ranges of both
#: Nghị định 30/2020/NĐ-CP and Hướng dẫn 36-HD/VPTW (top and bottom 20-25 mm, left
#: 30-35 mm, right 15-20 mm).
MARGINS = (20, 20, 30, 15)
#: Body text size in points: 14 is inside both rules (13-14 pt for NĐ 30, 14-15 pt for
#: 36-HD).
BODY_SIZE = 14
_FONT = "Times New Roman"


def _fonts(rpr: Any) -> None:
    """Times New Roman for every script of a run-properties element (python-docx's
    ``font.name`` sets only the Latin ones)."""
    fonts = rpr.get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    for script in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(script), _FONT)


def _styles(document: Document) -> None:
    styles = document.styles
    # The document defaults too, so that nothing falls back to the template's theme font.
    defaults = styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if rpr is not None:
            _fonts(rpr)
    normal = cast(ParagraphStyle, styles["Normal"])
    normal.font.name = _FONT
    normal.font.size = Pt(BODY_SIZE)
    _fonts(normal.element.get_or_add_rPr())
    # Proofing language: Vietnamese (w:lang comes after every property set here).
    rpr = normal.element.get_or_add_rPr()
    lang = OxmlElement("w:lang", {qn("w:val"): "vi-VN"})
    rpr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")
    fmt = normal.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(0), 1.0

    def add(name: str, base: str = "Normal") -> ParagraphStyle:
        style = cast(ParagraphStyle, styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH))
        style.style_id = STYLE_IDS[name]
        style.base_style = styles[base]
        style.quick_style = True
        return style

    body = add("Report Body")
    fmt = body.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.first_line_indent = Cm(1.27)
    fmt.space_before = Pt(6)
    fmt.line_spacing = 1.15
    fmt.widow_control = True
    task = add("Report Task", "Report Body")
    task.font.bold = True
    task.paragraph_format.keep_with_next = True
    detail = add("Report Detail", "Report Body")
    detail.paragraph_format.first_line_indent = Cm(2)
    detail.paragraph_format.space_before = Pt(0)
    cell = add("Report Cell")
    cell.font.size = Pt(12)
    cell.paragraph_format.space_before = Pt(2)
    cell.paragraph_format.space_after = Pt(2)
    header = add("Report Header")
    header.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _page(document: Document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    top, bottom, left, right = MARGINS
    section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
    section.left_margin, section.right_margin = Mm(left), Mm(right)
    section.header_distance, section.footer_distance = Mm(10), Mm(10)
    # The page number, centred at the top, from the second page on (NĐ 30, 36-HD).
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False
    header = section.header
    header.is_linked_to_previous = False
    for p in header.paragraphs:
        p._p.getparent().remove(p._p)
    page = Xml(
        '<w:p><w:pPr><w:jc w:val="center"/></w:pPr>'
        '<w:fldSimple w:instr=" PAGE "><w:r><w:t>2</w:t></w:r></w:fldSimple></w:p>'
    )
    writer = BodyWriter(header._element)
    writer.add(page)
    writer.flush()


def _drop_thumbnail(document: Document) -> None:
    """The template's thumbnail picture shows a page that is not this report."""
    rels = document.part.package.rels
    for rid in [rid for rid, rel in rels.items() if rel.reltype == RT.THUMBNAIL]:
        del rels[rid]


def _properties(document: Document, title: str, at: datetime) -> None:
    props = document.core_properties
    moment = at.astimezone(UTC).replace(tzinfo=None)
    props.author = props.last_modified_by = AUTHOR
    props.created = props.modified = props.last_printed = moment
    props.title = clean_text(title)[:255]
    props.subject = props.keywords = props.category = ""
    props.comments = ""
    props.language = "vi-VN"
    props.revision = 1


def stable_zip(data: bytes, when: datetime) -> bytes:
    """``data`` (a zip) rewritten entry by entry, in the same order, with every entry's
    time set to ``when`` (local time, as zip stores it; 1980 at the earliest) and fixed
    attributes: the same content gives the same bytes on every run and platform."""
    stamp = (when.year, when.month, when.day, when.hour, when.minute, when.second)
    if when.year < 1980:  # the earliest time a zip entry can have
        stamp = (1980, 1, 1, 0, 0, 0)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            fixed = zipfile.ZipInfo(entry.filename, date_time=stamp)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.create_system = 3
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(entry))
    return out.getvalue()


def build_document(pieces: Iterable[Block], title: str, at: datetime) -> bytes:
    """The .docx bytes of a document whose body is ``pieces``, titled ``title``, with
    every time it records taken from ``at``."""
    document = docx.Document()
    _drop_thumbnail(document)
    _styles(document)
    _page(document)
    body = document.element.body
    writer = BodyWriter(body, anchor=body.sectPr)
    for piece in pieces:
        writer.add(piece)
    writer.flush()
    # Word wants a paragraph after a table that ends the body.
    writer.add(paragraph())
    writer.flush()
    _properties(document, title, at)
    raw = io.BytesIO()
    document.save(raw)
    return stable_zip(raw.getvalue(), at)
