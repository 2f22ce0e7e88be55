"""Read a plan document into blocks: Markdown, plain text (copied from a PDF) or DOCX.

A :class:`Block` is one paragraph of the document as a person reads it: markup stripped,
NFC, with the numbering it starts with ("1.1", "II", "a"), its bullet marker, whether it
is a heading or starts in bold, and, for a table row, its cells. Paragraphs that a page
break or a PDF line wrap cut in two are joined back (a part that starts in lower case
and follows text without a closing full stop). Line numbers are those of the source
(for DOCX: the paragraph or table row, counted from 1 in body order).

>>> text = b"## II- NOI DUNG\\n\\n**1.1.** Tuyen truyen\\n- + Thoi gian: 2024"
>>> blocks = read_document(text, "markdown")
>>> [(b.line, b.number, b.text, b.bullet) for b in blocks]
[(1, 'II', 'NOI DUNG', None), (3, '1.1', 'Tuyen truyen', None), (4, None, 'Thoi gian: 2024', '+')]
"""

from __future__ import annotations

import io
import os
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs

from tuyentruyen.errors import TuyenTruyenError

__all__ = ["FORMATS", "Block", "DocumentError", "decode", "read_document", "sniff_format"]

#: The formats :func:`read_document` reads.
FORMATS = ("markdown", "text", "docx")


class DocumentError(TuyenTruyenError):
    """A document that cannot be read at all (missing file, not a DOCX, unknown format)."""


@attrs.frozen
class Block:
    """One paragraph (or table row) of a document.

    Attributes:
        line: 1-based line of the source where the block starts.
        text: the text, NFC, markup and leading numbering/bullets removed.
        raw: the whole paragraph as written (NFC, markup removed, numbering kept).
        number: the numbering it starts with, without punctuation: ``"1.1"``, ``"II"``,
            ``"a"``; ``None`` when it has none.
        kind: kind of numbering: ``"roman"``, ``"arabic"`` (``"1"``), ``"multi"``
            (``"1.1"``), ``"letter"``; ``None`` without numbering.
        heading: heading level (Markdown ``#`` count, DOCX ``Heading N``); 0 when not.
        bold: the bold text at the start of the paragraph (after the numbering), or "".
        bullet: the innermost bullet marker (``"-"``, ``"+"``, ``"•"``, ``"*"``) or ``None``.
        cells: a table row's cells (each cell's paragraphs joined by newlines), else ``None``.
        end_line: the last source line of the block.
    """

    line: int
    text: str
    raw: str
    number: str | None = None
    kind: str | None = None
    heading: int = 0
    bold: str = ""
    bullet: str | None = None
    cells: tuple[str, ...] | None = None
    end_line: int = 0
    #: (offset in :attr:`raw`, source line) where each joined source line starts.
    starts: tuple[tuple[int, int], ...] = ()

    def line_of(self, fragment: str) -> int:
        """The source line on which ``fragment`` (a part of the text) starts."""
        if not self.starts or not fragment:
            return self.line
        at = self.raw.find(fragment.strip())
        if at < 0:
            return self.line
        line = self.line
        for offset, number in self.starts:
            if offset <= at:
                line = number
        return line

    @property
    def upper(self) -> bool:
        """The text is written in capitals (a heading in documents without markup)."""
        letters = [c for c in self.text if c.isalpha()]
        return len(letters) >= 2 and all(c.isupper() for c in letters)


# --- text helpers --------------------------------------------------------------------------

_WS = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u3000]+")
_ROMAN = r"(?:X{0,3})(?:IX|IV|V?I{0,3})"
_NUMBERING = re.compile(
    rf"""^(?:
        (?:(?:phần|PHẦN|Phần)\s+)?(?P<roman>{_ROMAN})\s*[.\-–—:/)]\s*(?=\S)
      | (?P<multi>\d{{1,3}}(?:\.\d{{1,3}})+)\s*[.)]?\s+(?=\S)
      | (?P<multi2>\d{{1,3}}(?:\.\d{{1,3}})+)\s*[.)](?=\S)
      | (?P<arabic>\d{{1,3}})\s*[.)]\s*(?=\S)(?!\d)
      | (?P<letter>[a-zđ])\s*\)\s*(?=\S)
      | (?P<letter2>[a-zđ])\.\s+(?=\S)
    )""",
    re.X,
)
_BULLET = re.compile(r"^([-–—•+*·▪○◦●■□➢✓►>])\s+")
_DECORATION = re.compile(r"^[\s\-–—_=*~.·•oO0]*$|^-*\s*o\s*0\s*o\s*-*$", re.I)
_MD_HEADING = re.compile(r"^(#{1,6})\s*")
_MD_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_EMPH = re.compile(r"(?<![\w\\])(\*{1,3}|_{1,3})|(\*{1,3}|_{1,3})(?![\w])|(?<=\w)\*{1,3}(?=\w)")
_SENTENCE_END = re.compile(r"[.:;!?…”\")]\s*$")


def nfc(text: str) -> str:
    """``text`` in NFC with runs of spaces made one space and ends trimmed."""
    return _WS.sub(" ", unicodedata.normalize("NFC", text)).strip()


def _strip_emphasis(text: str) -> str:
    text = _MD_LINK.sub(r"\1", text)
    text = _HTML_TAG.sub("", text)
    text = text.replace("`", "")
    text = _EMPH.sub("", text)
    text = _MD_ESCAPE.sub(r"\1", text)
    return _WS.sub(" ", text).strip()


def _numbering(text: str) -> tuple[str | None, str | None, str]:
    """(number, kind, rest) of ``text``."""
    m = _NUMBERING.match(text)
    if m is None:
        return None, None, text
    for kind in ("roman", "multi", "multi2", "arabic", "letter", "letter2"):
        value = m.group(kind)
        if value:
            if kind == "roman" and not value:
                continue
            return value, kind.rstrip("2"), text[m.end() :].strip()
    return None, None, text


def is_decoration(text: str) -> bool:
    """A line that carries nothing: rules, stars, page numbers, "o0o"."""
    t = text.strip()
    if not t:
        return True
    if _DECORATION.match(t):
        return True
    return bool(re.fullmatch(r"[-–—\s]*(?:trang\s+)?\d{1,3}(?:\s*/\s*\d{1,3})?[-–—\s]*", t, re.I))


# --- decoding -------------------------------------------------------------------------------


def decode(data: bytes) -> tuple[str, str]:
    """``data`` as text and the encoding used: UTF-8 (with or without BOM), UTF-16 with a
    BOM, else Windows-1258 (Vietnamese), else Latin-1 (never fails)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1258"), "cp1258"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def sniff_format(data: bytes, name: str | None = None) -> str:
    """The format of a document: by the suffix of ``name`` when it has a known one,
    else by content (a ZIP is DOCX; Markdown headings, bold or ``- `` bullets mean
    Markdown; anything else is plain text)."""
    if name:
        suffix = Path(name).suffix.lower()
        if suffix in (".md", ".markdown"):
            return "markdown"
        if suffix == ".txt":
            return "text"
        if suffix in (".docx", ".docm"):
            return "docx"
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    head = data[:20000].decode("utf-8", errors="ignore")
    if re.search(r"(?m)^#{1,6}\s|\*\*\S|^\|.*\|\s*$", head):
        return "markdown"
    return "text"


# --- building blocks ------------------------------------------------------------------------


@attrs.define
class _Para:
    line: int
    end: int
    parts: list[str]
    heading: int = 0
    bold: str = ""
    bullets: str = ""
    cells: tuple[str, ...] | None = None
    gap: bool = False  # preceded by blank lines
    lines: list[int] = attrs.Factory(list)  # source lines of parts[1:]

    def extend(self, text: str, number: int) -> None:
        """Add source line ``number`` (``text``) to the paragraph: a wrapped line."""
        self.parts.append(text)
        self.lines.append(number)
        self.end = number


def _make_block(p: _Para) -> Block:
    raw = nfc(" ".join(p.parts))
    starts: tuple[tuple[int, int], ...] = ()
    if len(p.parts) > 1 and len(p.lines) == len(p.parts) - 1:
        offset, found = 0, []
        for part, at_line in zip(p.parts, [p.line, *p.lines], strict=True):
            found.append((offset, at_line))
            offset += len(nfc(part)) + 1
        starts = tuple(found)
    bullet = p.bullets[-1] if p.bullets else None
    rest = raw
    # bullets written after a heading marker or repeated ("- + text")
    while True:
        m = _BULLET.match(rest)
        if not m or (m.group(1) == "*" and rest.startswith("**")):
            break
        bullet = m.group(1)
        rest = rest[m.end() :]
    number, kind, text = _numbering(rest)
    if kind == "roman" and number and len(number) == 1 and number not in "IVX":
        number, kind, text = None, None, rest
    bold = nfc(p.bold)
    if bold and number:
        bold = re.sub(rf"^\s*{re.escape(number)}\s*[.\-–—:)]?\s*", "", bold)
    text = text.strip()
    return Block(
        line=p.line,
        text=text,
        raw=raw,
        number=number,
        kind=kind,
        heading=p.heading,
        bold=bold.strip(" *"),
        bullet=bullet,
        cells=p.cells,
        end_line=p.end,
        starts=starts,
    )


def _continues(prev: _Para, line_text: str, *, gap: bool, plain: bool) -> bool:
    """Does ``line_text`` continue paragraph ``prev`` (a wrapped line or a page break)?"""
    if prev.cells is not None or prev.heading:
        return False
    stripped = _strip_emphasis(line_text)
    if not stripped or _BULLET.match(line_text) or _NUMBERING.match(stripped):
        return False
    before = _strip_emphasis(prev.parts[-1]) if prev.parts else ""
    if not before:
        return False
    first = stripped[0]
    if gap:
        # across blank lines (a page break): only a lower-case start after open text
        return first.islower() and not _SENTENCE_END.search(before)
    if _looks_upper(before) or _looks_upper(stripped):
        return False  # capitals: headings and signature lines stand alone
    if not plain:
        return True  # Markdown: lines of one paragraph
    if re.match(r"^(?:Căn cứ|Thực hiện|Nơi nhận|CĂN CỨ|THỰC HIỆN|NƠI NHẬN)\b", stripped):
        return (
            False  # a new clause starts with a capital; "thực hiện" wrapped mid-sentence does not
        )
    if re.search(r"(?:thời gian|thời hạn)[^:]{0,40}:\s*$", before, re.I):
        return True  # "…; thời gian thực hiện:" wrapped before its phrase ("Tháng 5/2024.")
    if re.search(r":\s*$", before) and not first.islower():
        return False
    return first.islower() or not _SENTENCE_END.search(before)


def _looks_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _markdown_paras(text: str) -> Iterator[_Para]:
    current: _Para | None = None
    gap = False
    for number, line in enumerate(text.splitlines(), 1):
        line = unicodedata.normalize("NFC", line).rstrip()
        if not line.strip() or _MD_RULE.match(line):
            gap = True
            if _MD_RULE.match(line) and current is not None:
                yield current
                current = None
            continue
        body = line.strip()
        if body.startswith("|") and body.endswith("|"):
            cells = tuple(_strip_emphasis(c) for c in body.strip("|").split("|"))
            if current is not None:
                yield current
                current = None
            if not all(re.fullmatch(r":?-{2,}:?|", c.strip()) for c in cells):
                yield _Para(number, number, [" | ".join(cells)], cells=cells)
            gap = False
            continue
        heading = 0
        m = _MD_HEADING.match(body)
        if m:
            heading = len(m.group(1))
            body = body[m.end() :]
        bullets = ""
        while True:
            bm = _BULLET.match(body)
            if not bm or (bm.group(1) == "*" and body.startswith("**")):
                break
            bullets += bm.group(1)
            body = body[bm.end() :]
        bold = ""
        bm2 = re.match(r"^(\*\*|__)(.+?)\1", body)
        if bm2:
            bold = _strip_emphasis(bm2.group(2))
        plain_body = body
        if (
            current is not None
            and not heading
            and not bullets
            and _continues(current, plain_body, gap=gap, plain=False)
        ):
            current.extend(plain_body, number)
            gap = False
            continue
        if current is not None:
            yield current
        current = _Para(number, number, [plain_body], heading, bold, bullets, gap=gap)
        if heading:
            yield current
            current = None
        gap = False
    if current is not None:
        yield current


def _text_paras(text: str) -> Iterator[_Para]:
    current: _Para | None = None
    gap = False
    lines = text.splitlines()
    lengths = sorted(len(x.strip()) for x in lines if x.strip())
    width = lengths[int(len(lengths) * 0.8)] if lengths else 0
    short = False  # the previous line ended well before the page width
    for number, line in enumerate(lines, 1):
        line = unicodedata.normalize("NFC", line).replace("\f", "").rstrip()
        if not line.strip():
            gap = True
            continue
        body = line.strip()
        if "\t" in body or re.search(r"\S\s{3,}\S", body):
            # two columns (a header or the signature block): keep the columns apart
            cells = tuple(c.strip() for c in re.split(r"\t+|\s{3,}", body) if c.strip())
            if len(cells) > 1 and not re.fullmatch(r"[-+•*–]|\w{1,4}\s*[.)]", cells[0]):
                if current is not None:
                    yield current
                    current = None
                yield _Para(number, number, [body], cells=cells)
                gap = False
                continue
        if (
            current is not None
            and not (short and body[:1].isupper())
            and _continues(current, body, gap=gap, plain=True)
        ):
            short = width > 40 and len(body) < 0.75 * width
            current.extend(body, number)
            gap = False
            continue
        if current is not None:
            yield current
        bullets = ""
        while True:
            bm = _BULLET.match(body)
            if not bm:
                break
            bullets += bm.group(1)
            body = body[bm.end() :]
        short = width > 40 and len(line.strip()) < 0.75 * width
        current = _Para(number, number, [body], 0, "", bullets, gap=gap)
        gap = False
    if current is not None:
        yield current


# --- DOCX ------------------------------------------------------------------------------------

_ROMAN_VALUES = (
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
    (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
)  # fmt: skip


def _roman(n: int) -> str:
    out = ""
    for value, letters in _ROMAN_VALUES:
        while n >= value:
            out += letters
            n -= value
    return out


def _format_number(n: int, fmt: str) -> str:
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt in ("lowerLetter", "upperLetter"):
        letter = "abcdđeghiklmnopqrstuvxy"[(n - 1) % 23] if n > 0 else "a"
        return letter.upper() if fmt == "upperLetter" else letter
    return str(n)


class _Numbering:
    """Renders DOCX automatic numbering ("%1.%2.") the way Word shows it."""

    def __init__(self, document: Any) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.counters: dict[str, list[int]] = {}
        try:
            part = document.part.numbering_part
        except (KeyError, NotImplementedError, AttributeError):
            return
        root = part.element
        ns = root.nsmap.get("w") or "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
        w = f"{{{ns}}}"
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for a in root.iter(f"{w}abstractNum"):
            levels: dict[int, tuple[str, str, int]] = {}
            for lvl in a.iter(f"{w}lvl"):
                ilvl = int(lvl.get(f"{w}ilvl", "0"))
                fmt_el, text_el, start_el = (
                    lvl.find(f"{w}numFmt"),
                    lvl.find(f"{w}lvlText"),
                    lvl.find(f"{w}start"),
                )
                fmt = fmt_el.get(f"{w}val", "decimal") if fmt_el is not None else "decimal"
                text = text_el.get(f"{w}val", "") if text_el is not None else ""
                start = int(start_el.get(f"{w}val", "1")) if start_el is not None else 1
                levels[ilvl] = (fmt, text, start)
            abstract[a.get(f"{w}abstractNumId", "")] = levels
        for num in root.iter(f"{w}num"):
            ref = num.find(f"{w}abstractNumId")
            if ref is not None:
                self.levels[num.get(f"{w}numId", "")] = abstract.get(ref.get(f"{w}val", ""), {})

    def label(self, num_id: str, ilvl: int) -> tuple[str | None, bool]:
        """(label text, is a bullet) of the next item of list ``num_id`` at ``ilvl``."""
        levels = self.levels.get(num_id)
        if not levels or ilvl not in levels:
            return None, False
        fmt, text, _ = levels[ilvl]
        if fmt == "bullet":
            return None, True
        if fmt == "none":
            return None, False
        counters = self.counters.setdefault(num_id, [0] * 10)
        ilvl = min(ilvl, 9)
        if counters[ilvl] == 0:
            counters[ilvl] = levels[ilvl][2]
        else:
            counters[ilvl] += 1
        for deeper in range(ilvl + 1, 10):
            counters[deeper] = 0

        def sub(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            if k not in levels:
                return ""
            value = counters[k] or levels[k][2]
            return _format_number(value, levels[k][0])

        return re.sub(r"%(\d)", sub, text), False


def _docx_paras(data: bytes, where: str) -> Iterator[_Para]:
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph
    except ImportError:  # pragma: no cover - the `docx` extra: pip install tuyentruyen[docx]
        raise DocumentError(
            f"{where}: reading DOCX needs python-docx: pip install 'tuyentruyen[docx]'",
            f"{where}: đọc DOCX cần gói python-docx: pip install 'tuyentruyen[docx]'",
        ) from None
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, AttributeError) as exc:
        raise DocumentError(
            f"{where}: not a readable DOCX file ({type(exc).__name__})",
            f"{where}: không đọc được tệp DOCX ({type(exc).__name__})",
        ) from None
    except Exception as exc:  # lxml and python-docx raise many kinds on a broken file
        raise DocumentError(
            f"{where}: not a readable DOCX file ({type(exc).__name__})",
            f"{where}: không đọc được tệp DOCX ({type(exc).__name__})",
        ) from None
    numbering = _Numbering(document)
    line = 0
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            line += 1
            yield _docx_paragraph(item, line, numbering)
        elif isinstance(item, Table):
            for row in item.rows:
                line += 1
                cells: list[str] = []
                seen: set[int] = set()
                try:
                    row_cells = row.cells
                except (IndexError, ValueError):  # malformed grid
                    continue
                for cell in row_cells:
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    cells.append("\n".join(nfc(p.text) for p in cell.paragraphs if nfc(p.text)))
                if any(cells):
                    joined = " | ".join(c.replace("\n", " ") for c in cells)
                    yield _Para(line, line, [joined], cells=tuple(cells))


def _docx_paragraph(paragraph: Any, line: int, numbering: _Numbering) -> _Para:
    text = paragraph.text
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    heading = 0
    m = re.match(r"(?:Heading|Tiêu đề)\s*(\d)", style, re.I)
    if m:
        heading = int(m.group(1))
    elif style.lower() == "title":
        heading = 1
    bold = ""
    for run in paragraph.runs:
        if not run.text.strip() and not bold:
            continue
        if run.bold:
            bold += run.text
        else:
            break
    bullets = ""
    ppr = paragraph._p.pPr
    num_pr = ppr.numPr if ppr is not None else None
    if num_pr is not None and num_pr.numId is not None:
        ilvl = num_pr.ilvl.val if num_pr.ilvl is not None else 0
        label, is_bullet = numbering.label(str(num_pr.numId.val), int(ilvl))
        if is_bullet:
            bullets = "-"
        elif label:
            text = f"{label} {text}"
    elif "List Bullet" in style:
        bullets = "-"
    return _Para(line, line, [text], heading, bold, bullets)


# --- entry point ------------------------------------------------------------------------------


def read_document(source: str | os.PathLike[str] | bytes, fmt: str | None = None) -> list[Block]:
    """The blocks of a document.

    ``source`` is a path or the document's bytes; ``fmt`` is ``"markdown"``, ``"text"``
    or ``"docx"``, else taken from the suffix or sniffed from the content. Raises
    :class:`DocumentError` when the file cannot be read.
    """
    data, name = load_source(source)
    return blocks_of(data, fmt or sniff_format(data, name), name or "<document>")


def load_source(source: str | os.PathLike[str] | bytes) -> tuple[bytes, str | None]:
    """(bytes, file name) of ``source``; :class:`DocumentError` naming the file when it
    cannot be read."""
    if isinstance(source, bytes | bytearray):
        return bytes(source), None
    path = os.fspath(source)
    try:
        with open(path, "rb") as handle:
            return handle.read(), path
    except FileNotFoundError:
        raise DocumentError(f"{path}: no such file", f"{path}: không có tệp này") from None
    except IsADirectoryError:
        raise DocumentError(
            f"{path}: is a folder, not a document", f"{path}: là thư mục, không phải tài liệu"
        ) from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise DocumentError(
            f"{path}: cannot be read ({reason})", f"{path}: không đọc được ({reason})"
        ) from None


def blocks_of(data: bytes, fmt: str, where: str = "<document>") -> list[Block]:
    """The blocks of ``data`` read as ``fmt``."""
    if fmt == "docx":
        paras: Iterator[_Para] = _docx_paras(data, where)
    elif fmt in ("markdown", "text"):
        text, _ = decode(data)
        paras = _markdown_paras(text) if fmt == "markdown" else _text_paras(text)
    else:
        raise DocumentError(
            f"{where}: unknown format {fmt!r}; use one of {', '.join(FORMATS)}",
            f"{where}: không có định dạng {fmt!r}; dùng một trong {', '.join(FORMATS)}",
        )
    blocks: list[Block] = []
    for p in paras:
        if fmt == "markdown" and p.cells is None:
            p.parts = [_strip_emphasis(part) for part in p.parts]
        block = _make_block(p)
        if block.cells is None and not block.raw:
            continue
        blocks.append(block)
    return blocks
