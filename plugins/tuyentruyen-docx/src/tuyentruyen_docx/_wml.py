"""A small WordprocessingML writer: paragraphs, runs and tables as XML text.

python-docx inserts every new body element with a linear search for the section
properties that end the body, so adding n paragraphs through its API takes time
quadratic in n (40,000 paragraphs: 7.7 s, twice 20,000: 2.5 s). The report of a large
plan has hundreds of thousands of paragraphs, so its content is written here as XML text
(every text cleaned and escaped by :func:`run`), parsed in chunks with python-docx's own
parser and moved in front of the section properties one element at a time: linear.

Values of type :data:`Xml` are markup; plain ``str`` values are text. mypy keeps the two
apart, so no text reaches the document unescaped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NewType

from docx.oxml.ns import nsdecls
from docx.oxml.parser import parse_xml

__all__ = [
    "Block",
    "BodyWriter",
    "Table",
    "Xml",
    "cell",
    "clean_text",
    "paragraph",
    "row",
    "run",
    "table",
]

#: WordprocessingML markup (as opposed to plain text).
Xml = NewType("Xml", str)

# Characters XML 1.0 forbids: C0 controls but tab, line feed and carriage return;
# lone surrogates; U+FFFE and U+FFFF.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_BREAKS = re.compile("([\n\t])")
_NS = nsdecls("w")


def clean_text(text: str) -> str:
    """``text`` as a .docx can hold it: line ends ``\\r\\n`` and ``\\r`` become ``\\n``,
    then the characters XML 1.0 forbids (C0 controls other than tab and line feed, lone
    surrogates, U+FFFE, U+FFFF) are removed. Everything else is kept as written.

    >>> clean_text("a\\x00b\\r\\nc\\x0bd")
    'ab\\ncd'
    """
    return _ILLEGAL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _escape(text: str) -> str:
    """Text escaped for element content (``&``, ``<``, ``>``; quotes need nothing)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _half_points(size: float) -> int:
    return round(size * 2)


def run(
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    size: float | None = None,
    underline: bool = False,
) -> Xml:
    """A run (``w:r``) of ``text``: a line feed becomes a line break (``w:br``), a tab a
    tab (``w:tab``); ``size`` in points."""
    props = []
    if bold:
        props.append("<w:b/><w:bCs/>")
    if italic:
        props.append("<w:i/><w:iCs/>")
    if size is not None:
        half = _half_points(size)
        props.append(f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>')
    if underline:
        props.append('<w:u w:val="single"/>')
    content = []
    for piece in _BREAKS.split(clean_text(text)):
        if piece == "\n":
            content.append("<w:br/>")
        elif piece == "\t":
            content.append("<w:tab/>")
        elif piece:
            content.append(f'<w:t xml:space="preserve">{_escape(piece)}</w:t>')
    rpr = f"<w:rPr>{''.join(props)}</w:rPr>" if props else ""
    return Xml(f"<w:r>{rpr}{''.join(content)}</w:r>")


def paragraph(
    *runs: Xml,
    style: str | None = None,
    align: str | None = None,
    first_line: int | None = None,
    left: int | None = None,
    right: int | None = None,
    before: int | None = None,
    after: int | None = None,
    keep_next: bool = False,
    rule: bool = False,
) -> Xml:
    """A paragraph (``w:p``) of ``runs``. ``style`` is a paragraph style id, ``align``
    one of ``left``, ``center``, ``right``, ``both`` (justified); indents and spacing
    in twentieths of a point (twips). ``rule`` draws a line under the paragraph, as long
    as the space between its indents (the short line under a heading of the header)."""
    props = []
    if style:
        props.append(f'<w:pStyle w:val="{style}"/>')
    if keep_next:
        props.append("<w:keepNext/>")
    if rule:
        props.append(
            '<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="000000"/></w:pBdr>'
        )
    if before is not None or after is not None:
        spacing = "".join(
            f' w:{name}="{value}"'
            for name, value in (("before", before), ("after", after))
            if value is not None
        )
        props.append(f"<w:spacing{spacing}/>")
    if first_line is not None or left is not None or right is not None:
        ind = "".join(
            f' w:{name}="{value}"'
            for name, value in (("left", left), ("right", right), ("firstLine", first_line))
            if value is not None
        )
        props.append(f"<w:ind{ind}/>")
    if align:
        props.append(f'<w:jc w:val="{align}"/>')
    ppr = f"<w:pPr>{''.join(props)}</w:pPr>" if props else ""
    return Xml(f"<w:p>{ppr}{''.join(runs)}</w:p>")


def cell(paragraphs: Sequence[Xml], width: int, *, shade: str | None = None) -> Xml:
    """A table cell (``w:tc``) ``width`` twips wide; an empty cell gets the empty
    paragraph Word requires. ``shade`` is a fill colour such as ``"D9D9D9"``."""
    fill = f'<w:shd w:val="clear" w:color="auto" w:fill="{shade}"/>' if shade else ""
    body = "".join(paragraphs) or "<w:p/>"
    return Xml(f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{fill}</w:tcPr>{body}</w:tc>')


def row(cells: Iterable[Xml], *, header: bool = False, cant_split: bool = True) -> Xml:
    """A table row (``w:tr``); a ``header`` row repeats at the top of every page."""
    props = ("<w:cantSplit/>" if cant_split else "") + ("<w:tblHeader/>" if header else "")
    trpr = f"<w:trPr>{props}</w:trPr>" if props else ""
    return Xml(f"<w:tr>{trpr}{''.join(cells)}</w:tr>")


_EDGES = ("top", "left", "bottom", "right", "insideH", "insideV")


@dataclass(frozen=True)
class Table:
    """A table: its properties and grid (``shell``, an empty ``w:tbl``) and its rows.

    Kept apart because lxml moves a large subtree between documents in time quadratic
    in its size (a table of 4,000 rows takes 4 to 5 times as long as one of 2,000):
    :class:`BodyWriter` places the empty table, then moves its rows in one by one.
    """

    shell: Xml
    rows: Sequence[Xml]


def table(rows: Iterable[Xml], widths: Sequence[int], *, borders: bool) -> Table:
    """A fixed-layout table (``w:tbl``) with columns ``widths`` twips wide, with single
    lines around every cell or with no lines at all."""
    line = 'w:val="single" w:sz="4" w:space="0" w:color="000000"' if borders else 'w:val="nil"'
    edges = "".join(f"<w:{edge} {line}/>" for edge in _EDGES)
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    shell = Xml(
        f'<w:tbl><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
        f"<w:tblBorders>{edges}</w:tblBorders>"
        '<w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:left w:w="85" w:type="dxa"/><w:right w:w="85" w:type="dxa"/>'
        "</w:tblCellMar></w:tblPr>"
        f"<w:tblGrid>{grid}</w:tblGrid></w:tbl>"
    )
    return Table(shell, list(rows))


#: What goes into a body: a paragraph's markup or a table.
Block = Xml | Table


class BodyWriter:
    """Appends blocks to a python-docx container element (a document body, a header) in
    front of ``anchor`` (the body's section properties) or at its end. Markup is parsed
    ``chunk`` pieces at a time and moved in element by element, table rows one by one:
    time linear in the size of the document, bounded memory."""

    def __init__(self, container: Any, anchor: Any = None, chunk: int = 2000) -> None:
        self._container = container
        self._anchor = anchor
        self._chunk = chunk
        self._pending: list[Xml] = []

    def add(self, *blocks: Block) -> None:
        """Add ``blocks`` (paragraphs, tables) in document order."""
        for block in blocks:
            if isinstance(block, Table):
                self.flush()
                (element,) = self._parse([block.shell])
                self._place(element)
                for lo in range(0, len(block.rows), self._chunk):
                    for tr in self._parse(block.rows[lo : lo + self._chunk]):
                        element.append(tr)
            else:
                self._pending.append(block)
                if len(self._pending) >= self._chunk:
                    self.flush()

    def flush(self) -> None:
        """Move the paragraphs added so far into the container."""
        if self._pending:
            pending, self._pending = self._pending, []
            for element in self._parse(pending):
                self._place(element)

    @staticmethod
    def _parse(pieces: Sequence[Xml]) -> list[Any]:
        return list(parse_xml(f"<w:body {_NS}>{''.join(pieces)}</w:body>"))

    def _place(self, element: Any) -> None:
        if self._anchor is not None:
            self._anchor.addprevious(element)
        else:
            self._container.append(element)
