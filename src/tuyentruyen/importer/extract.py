"""Turn the blocks of a plan document into a :class:`~tuyentruyen.model.Plan` and a report.

The extractor reads the document the way a person does:

* the **header** before the "KẾ HOẠCH" line: issuing body (and its parent), "Số: …",
  "<place>, ngày … tháng … năm …"; the **title** after it;
* the **legal bases** in the "Căn cứ …" / "Thực hiện …" sentences before section I;
* **sections** by Roman numbering (I, II-, III.): "MỤC ĐÍCH, YÊU CẦU" gives the purposes,
  "TỔ CHỨC THỰC HIỆN" the standing duties and reporting rules, any other section tasks;
* **tasks**: the innermost numbered items ("2.4.", "3.7", "1.", "a)") of a content
  section, table rows with a task layout, and bullets under a unit heading; their
  fields from labelled lines ("Đơn vị chủ trì: …", "Thời gian thực hiện: …"), from prose
  ("Sở X chủ trì, phối hợp với …") or from a shared "Phân công" item;
* **reporting rules** ("báo cáo … trước ngày 15 hằng tháng … gửi về …"), **nơi nhận**
  and the **signer**.

Everything else becomes a :class:`~tuyentruyen.importer.report.Finding`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import date
from typing import Any

import attrs

from tuyentruyen.errors import TimePhraseError
from tuyentruyen.importer.document import Block, _looks_upper, is_decoration
from tuyentruyen.importer.report import Finding
from tuyentruyen.importer.units import UnitTable, is_unit_name, split_unit_list
from tuyentruyen.model import LegalBasis, Plan, ReportingRule, Section, Signer, Task, Unit, Window
from tuyentruyen.names import NameIndex
from tuyentruyen.timeexpr import parse_date, parse_deadline, parse_window

__all__ = ["extract_plan"]


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


# --- patterns -------------------------------------------------------------------------------

_PLAN_WORD = re.compile(r"^(?:KẾ HOẠCH|Kế hoạch|KẾ HOẠCH)\b\s*[:.]?\s*(?P<rest>.*)$")
_MOTTO = re.compile(
    r"cộng hòa xã hội chủ nghĩa|cộng hoà xã hội chủ nghĩa|độc lập\s*[-–—]\s*tự do|"
    r"^đảng cộng sản việt nam$|^\(?(?:đã ký|ký|ký, đóng dấu|ký tên, đóng dấu|đã ký và đóng dấu)\)?$"
)
_NUMBER_LINE = re.compile(r"^Số\s*:?\s*(?P<ref>[0-9][\w\-/.Đđ]*)", re.I)
_PLACE_DATE = re.compile(
    r"^(?P<place>[^,\d]{2,40}?),\s*ngày\s+(?P<d>\d{1,2}|[.…\s]*)\s+tháng\s+(?P<m>\d{1,2}|[.…\s]*)"
    r"\s+năm\s+(?P<y>\d{4})",
    re.I,
)
_BODY_WORD = re.compile(
    r"^(?:BAN|SỞ|PHÒNG|VĂN PHÒNG|TRUNG TÂM|HỘI|ĐOÀN|CÔNG AN|BỘ CHỈ HUY|BAN CHỈ ĐẠO|"
    r"ĐẢNG ỦY|ĐẢNG UỶ|CHI BỘ|BÁO|ĐÀI|VIỆN|CỤC|VỤ|TỔNG CỤC|LIÊN ĐOÀN)\b"
)
_PARTY_PARENT = re.compile(
    r"^(TỈNH ỦY|TỈNH UỶ|HUYỆN ỦY|HUYỆN UỶ|THÀNH ỦY|THÀNH UỶ|THỊ ỦY|THỊ UỶ)\b"
)
_DOC_TYPES = (
    r"Hiến pháp|Bộ luật|Luật|Pháp lệnh|Nghị quyết liên tịch|Nghị quyết|Nghị định|Quyết định|"
    r"Chỉ thị|Thông tư liên tịch|Thông tư|Kế hoạch|Công văn|Văn bản|Hướng dẫn|Kết luận|"
    r"Thông báo|Chương trình|Đề án|Quy định|Quy chế|Thông tri|Điều lệ"
)
_CITATION = re.compile(
    rf"(?P<type>{_DOC_TYPES})(?:\s+[^\d,;]{{1,80}}?\s+số\s*:?\s*|\s+(?:số\s*:?\s*)?)(?P<ref>\d+[\w.Đđ]*(?:[/\-][\w.Đđ]+)+)"
    rf"(?:,?\s+ngày\s+(?P<date>\d{{1,2}}[/.\-]\d{{1,2}}[/.\-]\d{{4}}|\d{{1,2}}\s+tháng\s+\d{{1,2}}\s+năm\s+\d{{4}}))?",
    re.I,
)
_BASIS_START = re.compile(r"^(?:[-+•]\s*)?(?:Căn cứ|Thực hiện)\b", re.I)
_ISSUER_CLAUSE = re.compile(
    r"[,;]\s*(?P<body>[^,;]{3,80}?)\s+(?:xây dựng|ban hành|triển khai)\s+(?:Kế hoạch|kế hoạch)\b"
)
_TRAILING_JOIN = re.compile(r"(?:[\s,;]+|\s+(?:và|căn cứ|thực hiện|theo)\b)+$", re.I)

_LABELS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("plan_due", re.compile(r"thời (?:gian|hạn) ban hành[^:]{0,30}:", re.I)),
    ("progress", re.compile(r"tiến độ(?: thực hiện)?\s*:", re.I)),
    (
        "window",
        re.compile(
            r"(?:thời gian|thời hạn)(?: (?:thực hiện|hoàn thành|triển khai|tổ chức))?"
            r"(?:\s*\([^)]{0,30}\))?\s*:",
            re.I,
        ),
    ),
    (
        "lead",
        re.compile(
            r"(?:(?:đơn vị|cơ quan|bộ phận)\s+)?(?:chủ trì|thực hiện chính)"
            r"(?:\s+(?:tham mưu|thực hiện|triển khai))?(?:\s*\([^)]{0,30}\))?\s*:"
            r"|(?:đơn vị|cơ quan) thực hiện\s*:",
            re.I,
        ),
    ),
    (
        "support",
        re.compile(
            r"(?:(?:đơn vị|cơ quan|bộ phận)\s+)?phối hợp(?:\s+thực hiện)?"
            r"(?:\s*\([^)]{0,30}\))?\s*:",
            re.I,
        ),
    ),
)
_ANY_LABEL = re.compile("|".join(f"(?P<{name}>{p.pattern})" for name, p in _LABELS), re.I)
_SHARED_TITLE = re.compile(
    r"^(?:phân công(?: thực hiện| nhiệm vụ)?|tổ chức thực hiện|tiến độ(?: thực hiện)?|"
    r"thời gian(?: thực hiện)?|đơn vị thực hiện|trách nhiệm thực hiện)\s*:?\s*$",
    re.I,
)
_TITLE_TAIL = re.compile(
    r"(?:[,;]?\s*(?:trong đó(?: tập trung)?|cụ thể(?: là| như)?|bao gồm|gồm(?: có)?|như sau|"
    r"với các nội dung(?: sau)?|các nội dung sau)[^,;:]{0,30})?\s*:\s*$",
    re.I,
)
_VERBS = (
    r"tổ chức|thực hiện|triển khai|xây dựng|tuyên truyền|biên soạn|phát hành|sản xuất|"
    r"hướng dẫn|theo dõi|tham mưu|chỉ đạo|định hướng|đẩy mạnh|cung cấp|rà soát|phổ biến|"
    r"tiếp tục|đăng tải|giới thiệu|quảng bá|vận động|phát động|nghiên cứu|hoàn thành|đề xuất|"
    r"kiểm tra|in|treo|làm|mở|thông tin|lựa chọn|khảo sát|cập nhật|duy trì|ban hành|thu thập|"
    r"viết|sưu tầm|trưng bày|biên tập|phát sóng|tường thuật|chuẩn bị|tập huấn|bồi dưỡng"
)
_PROSE_LEAD = re.compile(
    r"^(?:(?:Giao|Đề nghị|Yêu cầu)\s+)?(?P<lead>[^;:()]{3,90}?)\s*(?:[–—-]\s*|,\s*)?"
    r"(?:Chủ trì|chủ trì)\b[,\s]*(?:(?:và\s+)?(?:phối hợp|Phối hợp)\s+(?:với|cùng)\s+"
    rf"(?P<support>.+?)(?=\s+(?:{_VERBS})\b|[.;:]|$))?"
)
_PROSE_SUPPORT = re.compile(
    rf"(?:phối hợp|Phối hợp)\s+(?:với|cùng)\s+(?P<support>.+?)(?=\s+(?:{_VERBS})\b|[.;:]|$)"
)
_PROSE_TIME = re.compile(
    r"(?:hoàn thành|xong|thực hiện|tổ chức|ban hành)\s+(?P<phrase>(?:trước|trong|chậm nhất)\s+"
    r"(?:ngày|tháng|quý)\s+[\w/.\-]+(?:\s+năm\s+\d{4})?)",
    re.I,
)
_REPORT_CADENCE = re.compile(r"h[ằà]ng\s+(?P<every>tháng|quý)", re.I)
_REPORT_DAY = re.compile(
    r"(?:trước\s+ngày\s+(?P<before>\d{1,2})"
    r"|từ\s+ngày\s+(?P<first>\d{1,2})\s+(?:đến|tới)\s+(?:hết\s+)?ngày\s+(?P<last>\d{1,2})"
    r"|(?:chậm nhất|muộn nhất)\s+(?:vào\s+|là\s+)?ngày\s+(?P<latest>\d{1,2}))",
    re.I,
)
_REPORT_TO = re.compile(
    r"(?:gửi|về)\s+(?:về\s+)?(?:cho\s+)?(?P<to>[^,;.()]+?)"
    r"(?=\s+(?:để|theo dõi|tổng hợp|trước|qua|bằng|chậm|trong|trên)\b|[,;.(]|$)"
)
_RECIPIENTS = re.compile(r"^nơi nhận\s*:?", re.I)
_CLOSING = re.compile(r"^(?:Trên đây là|Trong quá trình (?:triển khai|thực hiện))", re.I)
_SIGN_PREFIX = re.compile(r"^(?:TM\.|KT\.|Q\.|TL\.|TUQ\.|T/M|K/T)", re.I)
_NAME = re.compile(r"^(?:[A-ZÀ-Ỹ][\wÀ-ỹ]*)(?:\s+[A-ZÀ-Ỹ][\wÀ-ỹ]*){1,5}$")
_SIGNATURE_NOTE = re.compile(r"^\(?\s*(?:đã ký|ký|ký tên|ký, đóng dấu|ký, ghi rõ họ tên|"
                             r"ký và ghi rõ họ tên)[^)]*\)?$", re.I)  # fmt: skip
_TABLE_COLUMNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("number", re.compile(r"^(?:stt|tt|số tt|số thứ tự)$", re.I)),
    ("plan_due", re.compile(r"ban hành", re.I)),
    ("lead", re.compile(r"chủ trì|thực hiện chính|đơn vị thực hiện|cơ quan thực hiện", re.I)),
    ("support", re.compile(r"phối hợp", re.I)),
    ("window", re.compile(r"thời gian|thời hạn|tiến độ", re.I)),
    ("content", re.compile(r"nội dung|nhiệm vụ|hoạt động|công việc|tên", re.I)),
    ("product", re.compile(r"sản phẩm|kết quả", re.I)),
    ("note", re.compile(r"ghi chú", re.I)),
)


# --- small helpers -----------------------------------------------------------------------------


def _clean_value(text: str) -> str:
    return text.strip().strip(" .;,").strip()


def _clean_title(text: str) -> str:
    text = _TITLE_TAIL.sub("", text.strip())
    return text.strip().rstrip(",;").strip()


def _split_labels(text: str) -> tuple[str, list[tuple[str, str]]]:
    """(text before the first label, [(label kind, value), …]) of ``text``.

    A label counts at the start of the text or after a sentence break (". ", "; ", "(").
    """
    found: list[tuple[int, int, str]] = []
    for m in _ANY_LABEL.finditer(text):
        start = m.start()
        before = text[:start].rstrip()
        if start != 0 and not (before.endswith((".", ";", "(", ":")) or before == ""):
            continue
        kind = next(k for k, v in m.groupdict().items() if v is not None)
        found.append((start, m.end(), kind))
    if not found:
        return text, []
    head = text[: found[0][0]].rstrip(" (;,")
    pairs = []
    for i, (_, end, kind) in enumerate(found):
        stop = found[i + 1][0] if i + 1 < len(found) else len(text)
        value = text[end:stop].strip()
        if i + 1 < len(found):
            value = value.rstrip(" (;.")
        pairs.append((kind, value))
    return head, pairs


def _proper_case(upper: str, spelled: dict[str, str]) -> str:
    """A capitalised name as the document writes it elsewhere, else in sentence case with
    the customary capitals (place names after tỉnh/huyện/…, Tỉnh ủy, …)."""
    key = _fold(upper)
    if key in spelled:
        return spelled[key]
    words = _fold(upper).split()
    out: list[str] = []
    place = False
    for i, word in enumerate(words):
        cap = word[:1].upper() + word[1:]
        if word in ("ủy", "uỷ") and out and out[-1].lower() in ("tỉnh", "huyện", "thành", "thị"):
            out[-1] = out[-1][:1].upper() + out[-1][1:]
            out.append(word)
            place = True  # "Tỉnh ủy Phú Thọ"
            continue
        if (
            i == 0
            or place
            or (i == 1 and out[0] in ("Ban", "Sở", "Hội", "Phòng", "Bộ", "Cục", "Vụ"))
            or (
                out[0] in ("Sở", "Phòng", "Bộ", "Cục", "Vụ")
                and i > 1
                and (words[i - 1] in ("và", "-", "–") or words[i - 1].endswith(","))
            )
        ):
            out.append(cap)
        else:
            out.append(word)
        if (
            word in ("tỉnh", "huyện", "phường", "quận")
            or (word == "xã" and words[i + 1 : i + 2] != ["hội"])
            or (word == "phố" and i and words[i - 1] == "thành")
        ):
            place = True
    return " ".join(w.upper() if w.upper() in _ABBREVIATIONS else w for w in out)


_ABBREVIATIONS = frozenset({"UBND", "HĐND", "MTTQ", "BTGTU", "BTGTW", "CT-XH", "TT&TT"})


# --- the extractor -------------------------------------------------------------------------


@attrs.define
class _Item:
    """A numbered item of a section, with the blocks under it."""

    index: int
    block: Block
    rank: int
    parent: _Item | None
    children: list[_Item] = attrs.Factory(list)
    body: list[int] = attrs.Factory(list)


@attrs.define
class _Fields:
    lead: list[tuple[str, int]] = attrs.Factory(list)  # (name, line)
    support: list[tuple[str, int]] = attrs.Factory(list)
    plan_due: tuple[str, int] | None = None
    window: tuple[str, int] | None = None
    content: list[str] = attrs.Factory(list)
    indices: list[int] = attrs.Factory(list)  # blocks the fields come from


def _rank(block: Block) -> int:
    if block.kind == "roman":
        return 1
    if block.kind == "arabic":
        return 2
    if block.kind == "multi" and block.number:
        return 1 + block.number.count(".") + 1
    return 20  # letters: below every number


class _Extractor:
    def __init__(
        self, blocks: Sequence[Block], units: Sequence[Unit], plan_id: str | None, fmt: str
    ) -> None:
        self.blocks = list(blocks)
        self.known = tuple(units)
        self.table = UnitTable(self.known)
        self.known_names = NameIndex(
            (u.id, (u.name, *((u.short,) if u.short else ()), *u.aliases)) for u in self.known
        )
        self.plan_id = plan_id
        self.fmt = fmt
        self.findings: list[Finding] = []
        self.used: set[int] = set()
        self.tasks: list[Task] = []
        self.task_lines: dict[str, int] = {}
        self.sections: dict[str, str] = {}
        self.purposes: list[str] = []
        self.bases: list[LegalBasis] = []
        self.reporting: list[ReportingRule] = []
        self.recipients: list[str] = []
        self.signer: Signer | None = None
        self.title: str | None = None
        self.reference: str | None = None
        self.issued_on: date | None = None
        self.place: str | None = None
        self.issuer: str | None = None
        self.issuer_line: int | None = None
        self.spelled: dict[str, str] = {}
        self.duties: set[int] = set()
        self.by_line = {b.line: b for b in self.blocks}

    # --- findings ---------------------------------------------------------------------------

    def find(
        self,
        line: int | None,
        kind: str,
        text: str,
        en: str,
        vi: str,
        suggestion: str | None = None,
    ) -> None:
        self.findings.append(Finding(line, kind, text, en, vi, suggestion))

    def unit(self, name: str, line: int) -> str:
        return self.table.resolve(name, self.line_at(line, name))

    def _names_unit(self, text: str) -> bool:
        text = text.strip()
        return is_unit_name(text) or self.known_names.resolve(text) is not None

    def line_at(self, line: int, fragment: str) -> int:
        """The line of ``fragment`` inside the block that starts on ``line``."""
        block = self.by_line.get(line)
        return block.line_of(fragment) if block is not None else line

    # --- time phrases ------------------------------------------------------------------------

    def window_of(self, phrase: str, line: int) -> tuple[Window, bool, str]:
        text = _clean_value(phrase)
        line = self.line_at(line, text)
        try:
            parsed = parse_window(text)
        except TimePhraseError as exc:
            self.find(
                line,
                "phrase",
                text,
                f"time phrase kept as written, no dates set: {exc.en}",
                f"giữ nguyên cụm từ thời gian, không đặt ngày: {exc.vi}",
            )
            return Window(), bool(re.match(r"thường xuyên", text, re.I)), text
        return parsed.window, parsed.ongoing, text

    def deadline_of(self, phrase: str, line: int) -> tuple[date | None, str]:
        text = _clean_value(phrase)
        line = self.line_at(line, text)
        try:
            return parse_deadline(text), text
        except TimePhraseError as exc:
            self.find(
                line,
                "phrase",
                text,
                f"deadline kept as written, no date set: {exc.en}",
                f"giữ nguyên thời hạn, không đặt ngày: {exc.vi}",
            )
            return None, text

    # --- the passes ---------------------------------------------------------------------------

    def run(self) -> Plan | None:
        self._spellings()
        start = self._header()
        sections = self._sections(start)
        closing = self._closing_start()
        for kind, first, last, block in sections:
            stop = min(last, closing)
            if kind == "organisation":
                self.duties.update(range(first, stop))
            if kind == "purposes":
                self._purposes(first, stop)
            else:
                self._content(first, stop, block, organisation=kind == "organisation")
        if closing < len(self.blocks):
            self._closing(closing)
        self._reporting_rules()
        self._unused()
        return self._plan()

    def _spellings(self) -> None:
        """Mixed-case spellings of capitalised words, to write header names properly."""
        for b in self.blocks:
            if b.upper:
                continue
            for m in re.finditer(
                r"(?:Ban|Sở|Hội|Phòng|Ủy ban|UBND|Trung tâm|Văn phòng)(?:\s+[\wÀ-ỹ]+){1,6}", b.text
            ):
                words = m.group(0).split()
                for n in range(2, len(words) + 1):
                    self.spelled.setdefault(_fold(" ".join(words[:n])), " ".join(words[:n]))

    def _header(self) -> int:
        """Read the header, title and intro; returns the index of the first section."""
        blocks = self.blocks
        plan_at = None
        first_section = next(
            (i for i, b in enumerate(blocks) if b.kind == "roman" and not b.cells), len(blocks)
        )
        for i, b in enumerate(blocks[:first_section]):
            if b.cells is not None and not any(_PLAN_WORD.match(c) for c in b.cells):
                continue
            m = _PLAN_WORD.match(b.text)
            if m and (b.upper or b.heading or b.bold or not m.group("rest")):
                plan_at = i
                break
        body_lines: list[tuple[str, int]] = []
        head_end = plan_at if plan_at is not None else 0
        for i in range(head_end):
            b = blocks[i]
            fragments = b.cells if b.cells is not None else (b.raw,)
            consumed = True
            for frag in fragments:
                frag = frag.strip()
                if not frag or is_decoration(frag) or _MOTTO.search(_fold(frag)):
                    continue
                m = _NUMBER_LINE.match(frag)
                if m:
                    self.reference = m.group("ref").rstrip(".,;")
                    continue
                m = _PLACE_DATE.match(frag)
                if m:
                    self.place = m.group("place").strip()
                    if m.group("d").strip().isdigit() and m.group("m").strip().isdigit():
                        try:
                            self.issued_on = date(
                                int(m.group("y")), int(m.group("m")), int(m.group("d"))
                            )
                        except ValueError:
                            self.find(
                                b.line, "phrase", frag, "the date of issue is not a date",
                                "ngày ban hành không hợp lệ",
                            )  # fmt: skip
                    else:
                        self.find(
                            b.line, "missing", frag, "the date of issue is left blank",
                            "ngày ban hành để trống",
                        )  # fmt: skip
                    continue
                if frag.upper() == frag and any(c.isalpha() for c in frag):
                    body_lines.append((frag, b.line))
                    continue
                consumed = False
            if consumed:
                self.used.add(i)
        if body_lines:
            self._issuer_from_header(body_lines)
        intro_from = 0
        if plan_at is not None:
            self.used.add(plan_at)
            rest = _PLAN_WORD.match(blocks[plan_at].text)
            title_parts = [rest.group("rest")] if rest and rest.group("rest") else []
            j = plan_at + 1
            while j < first_section:
                b = blocks[j]
                if (
                    b.cells is not None
                    or b.number
                    or b.bullet
                    or _BASIS_START.match(b.text)
                    or is_decoration(b.text)
                    or (title_parts and not (b.heading or b.upper or b.bold))
                ):
                    break
                title_parts.append(b.text)
                self.used.add(j)
                j += 1
            if title_parts:
                self.title = re.sub(r"\s+", " ", " ".join(title_parts)).strip()
            intro_from = j
        for i in range(intro_from, first_section):
            b = blocks[i]
            if is_decoration(b.text):
                continue
            if (_BASIS_START.match(b.text) or _CITATION.search(b.text)) and self._bases(b):
                self.used.add(i)
            if self.issuer is None:
                m = _ISSUER_CLAUSE.search(b.text)
                if m and is_unit_name(m.group("body")):
                    self.issuer = self.unit(m.group("body").strip(), b.line)
                    self.issuer_line = b.line
                    self.used.add(i)
                    self.find(
                        b.line,
                        "guess",
                        m.group("body"),
                        f"issuing body taken from the sentence: {m.group('body')!r}",
                        f"cơ quan ban hành lấy từ câu văn: {m.group('body')!r}",
                    )
        if self.title is None:
            self.find(
                None, "missing", "", "no title found (no 'KẾ HOẠCH' line)",
                "không tìm thấy trích yếu (không có dòng 'KẾ HOẠCH')",
            )  # fmt: skip
        return first_section

    def _issuer_from_header(self, lines: list[tuple[str, int]]) -> None:
        texts = [t for t, _ in lines]
        line = lines[-1][1]
        if len(texts) >= 2 and _BODY_WORD.match(texts[-1]):
            parent_text = " ".join(texts[:-1])
            parent = _proper_case(parent_text, self.spelled)
            own = _proper_case(texts[-1], self.spelled)
            m = _PARTY_PARENT.match(parent_text)
            if m and own.startswith("Ban ") and not re.search(r"ủy|uỷ", _fold(own)):
                own = f"{own} {_proper_case(m.group(1), {})}"
            self.unit(parent, lines[0][1])
            name = own
        else:
            name = _proper_case(" ".join(texts), self.spelled)
        self.issuer = self.unit(name, line)
        self.issuer_line = line

    def _bases(self, block: Block) -> bool:
        text = block.text
        matches = list(_CITATION.finditer(text))
        seen = {b.reference for b in self.bases}
        if not matches:
            if _BASIS_START.match(text):
                body = re.sub(r"^(?:[-+•]\s*)?(?:Căn cứ|Thực hiện)\s+", "", text, flags=re.I)
                self.bases.append(LegalBasis(_clean_value(body)))
                return True
            return False
        cut = _ISSUER_CLAUSE.search(text)
        end_all = cut.start() if cut else len(text)
        for k, m in enumerate(matches):
            if m.start() >= end_all:
                break
            stop = matches[k + 1].start() if k + 1 < len(matches) else end_all
            piece = _TRAILING_JOIN.sub("", text[m.start() : min(stop, end_all)])
            piece = re.sub(r"\s*\bnhư sau\s*:?\s*$", "", piece).rstrip(" .;,:")
            ref = m.group("ref").rstrip(".")
            if ref in seen:
                continue
            seen.add(ref)
            issued = None
            if m.group("date"):
                raw = re.sub(r"\s+tháng\s+|\s+năm\s+", "/", m.group("date"))
                try:
                    issued = parse_date(raw)
                except TimePhraseError:
                    self.find(
                        block.line, "phrase", m.group("date"),
                        f"the date of {ref} is not a date", f"ngày của {ref} không hợp lệ",
                    )  # fmt: skip
            self.bases.append(LegalBasis(piece, ref, issued))
        return True

    def _sections(self, start: int) -> list[tuple[str, int, int, Block | None]]:
        """(kind, first block, end block, heading) of each Roman-numbered section."""
        blocks = self.blocks
        heads = [i for i in range(start, len(blocks)) if blocks[i].kind == "roman"]
        if not heads:
            return [("content", start, len(blocks), None)]
        out: list[tuple[str, int, int, Block | None]] = []
        for k, i in enumerate(heads):
            end = heads[k + 1] if k + 1 < len(heads) else len(blocks)
            title = _fold(blocks[i].text)
            if "mục đích" in title or "mục tiêu" in title or title.startswith("yêu cầu"):
                kind = "purposes"
            elif "tổ chức thực hiện" in title or "trách nhiệm" in title:
                kind = "organisation"
            else:
                kind = "content"
            self.used.add(i)
            out.append((kind, i + 1, end, blocks[i]))
        return out

    def _closing_start(self) -> int:
        for i in range(len(self.blocks) - 1, -1, -1):
            b = self.blocks[i]
            texts = b.cells if b.cells is not None else (b.text,)
            if any(_RECIPIENTS.match(t.strip(" -*")) for t in texts):
                return i
        # no "Nơi nhận": a signature at the very end (capitals, then a name)
        i = len(self.blocks)
        while (
            i > 0
            and (
                _NAME.match(self.blocks[i - 1].text)
                or _SIGNATURE_NOTE.match(self.blocks[i - 1].text)
                or (self.blocks[i - 1].upper and not self.blocks[i - 1].number)
            )
            and not self.blocks[i - 1].bullet
        ):
            i -= 1
        return (
            i
            if i < len(self.blocks) and any(_NAME.match(b.text) for b in self.blocks[i:])
            else len(self.blocks)
        )

    # --- purposes ------------------------------------------------------------------------------

    def _purposes(self, first: int, stop: int) -> None:
        for i in range(first, stop):
            b = self.blocks[i]
            if is_decoration(b.text):
                continue
            if b.number and re.fullmatch(r"(?:mục đích|mục tiêu|yêu cầu)[\w\s,]*:?", _fold(b.text)):
                self.used.add(i)
                continue
            self.purposes.append(b.text)
            self.used.add(i)

    # --- content ---------------------------------------------------------------------------------

    def _content(self, first: int, stop: int, heading: Block | None, *, organisation: bool) -> None:
        roman = heading.number if heading is not None else None
        root = _Item(first - 1, heading or Block(0, "", ""), 1, None)
        stack = [root]
        tables: list[int] = []
        for i in range(first, stop):
            b = self.blocks[i]
            if b.cells is not None:
                tables.append(i)
                continue
            if b.number and b.kind is not None:
                rank = _rank(b)
                while len(stack) > 1 and stack[-1].rank >= rank:
                    stack.pop()
                item = _Item(i, b, rank, stack[-1])
                stack[-1].children.append(item)
                stack.append(item)
            else:
                stack[-1].body.append(i)
        if tables:
            self._table(tables, roman, _clean_title(heading.text) if heading else "")
        self._walk(root, roman, organisation)

    def _walk(
        self,
        node: _Item,
        roman: str | None,
        organisation: bool,
        inherited: tuple[str, int] | None = None,
    ) -> None:
        shared: _Fields | None = None
        for child in node.children:
            if _SHARED_TITLE.match(child.block.text) and not child.children:
                shared = self._fields(child, organisation=False)
                self.used.update(shared.indices)
                self.used.add(child.index)
        siblings_without: list[Task] = []
        for child in node.children:
            if _SHARED_TITLE.match(child.block.text) and not child.children:
                continue
            if child.children:
                lead = self._heading_lead(child.block)
                if lead is not None or not organisation:
                    self.used.add(child.index)
                self._walk(child, roman, organisation, lead or inherited)
                continue
            made = self._leaf(child, roman, organisation, inherited, shared is not None)
            siblings_without.extend(t for t in made if t.lead == "")
        if siblings_without:
            self._apply_shared(siblings_without, shared, node)

    @staticmethod
    def _heading_lead(block: Block) -> tuple[str, int] | None:
        """The unit a heading names as lead ("1. Trung tâm X – Chủ trì:", "2. Sở Y")."""
        text = block.text.strip()
        m = _PROSE_LEAD.match(text)
        if m and is_unit_name(m.group("lead")):
            rest = text[m.end() :].strip(" :")
            if not rest:
                return m.group("lead").strip(" –—-"), block.line
        if is_unit_name(text.rstrip(" :")) and len(text.split()) <= 14:
            return text.rstrip(" :"), block.line
        return None

    def _apply_shared(self, tasks: list[Task], shared: _Fields | None, node: _Item) -> None:
        for task in tasks:
            line = self.task_lines[task.id]
            index = next(k for k, t in enumerate(self.tasks) if t is task)
            if shared is None or not shared.lead:
                self.tasks[index] = self._no_lead(task, line)
                continue
            self.tasks[index] = self._with_fields(task, shared, line, own=False)

    def _no_lead(self, task: Task, line: int) -> Task:
        issuer = self._issuer()
        self.find(
            line, "missing", task.title,
            f"task {task.id} names no lead unit; the issuing body is set as lead",
            f"nhiệm vụ {task.id} không ghi đơn vị chủ trì; tạm đặt cơ quan ban hành",
        )  # fmt: skip
        return attrs.evolve(task, lead=issuer)

    def _issuer(self) -> str:
        if self.issuer is None:
            self.issuer = self.unit("Cơ quan ban hành", 0)
            self.find(
                None, "missing", "", "no issuing body found",
                "không tìm thấy cơ quan ban hành",
            )  # fmt: skip
        return self.issuer

    def _fields(self, item: _Item, *, organisation: bool) -> _Fields:
        """The labelled fields and content of an item's own text and body."""
        fields = _Fields()
        for k, index in enumerate([item.index, *item.body]):
            b = self.blocks[index]
            if is_decoration(b.text):
                continue
            text = b.text
            head, pairs = _split_labels(text)
            if k == 0:
                head = ""  # the item's own title, read by the caller
            elif head.strip():
                fields.content.append(head.strip() if pairs else b.text)
            for kind, value in pairs:
                self._field(fields, kind, value, b.line)
            if pairs or k > 0:
                fields.indices.append(index)
        return fields

    def _field(self, fields: _Fields, kind: str, value: str, line: int) -> None:
        value = value.strip()
        if kind == "progress":
            if _clean_value(value):
                fields.window = (value, line)
            return
        if not _clean_value(value):
            return
        if kind == "lead":
            fields.lead.append((value, line))
        elif kind == "support":
            fields.support.append((value, line))
        elif kind == "plan_due":
            fields.plan_due = (value, line)
        elif kind == "window":
            fields.window = (value, line)

    def _split_units(self, text: str) -> tuple[list[str], list[str]]:
        if self.known_names.resolve(_clean_value(text)) is not None:
            return [_clean_value(text)], []  # the whole value is one known unit
        names, all_groups = split_unit_list(_clean_value(text))
        groups = [g for g in all_groups if self.known_names.resolve(g) is None]
        if len(groups) != len(all_groups):  # a known unit that reads like a group
            known = [g for g in all_groups if self.known_names.resolve(g) is not None]
            names = [*names, *known]
        merged: list[str] = []
        for name in names:
            if merged and self.known_names.resolve(f"{merged[-1]}, {name}") is not None:
                merged[-1] = f"{merged[-1]}, {name}"
            else:
                merged.append(name)
        return merged, groups

    def _with_fields(self, task: Task, fields: _Fields, line: int, *, own: bool) -> Task:
        changes: dict[str, Any] = {}
        lead = task.lead
        support: list[str] = list(task.support)
        other: list[str] = list(task.support_other)
        for value, at in fields.lead:
            names, groups = self._split_units(value)
            for name in names:
                uid = self.unit(name, at)
                if not lead:
                    lead = uid
                elif uid != lead:
                    support.append(uid)
                    self.find(
                        at, "guess", value,
                        f"task {task.id}: several lead units; {name!r} taken as supporting",
                        f"nhiệm vụ {task.id}: nhiều đơn vị chủ trì; coi {name!r} là phối hợp",
                    )  # fmt: skip
            other.extend(groups)
            if not names:
                self.find(
                    at, "missing", value,
                    f"task {task.id}: the lead {value!r} is not a unit name",
                    f"nhiệm vụ {task.id}: đơn vị chủ trì {value!r} không phải tên đơn vị",
                )  # fmt: skip
        for value, at in fields.support:
            names, groups = self._split_units(value)
            support.extend(self.unit(n, at) for n in names)
            other.extend(groups)
        if fields.window is not None and task.window_text is None:
            window, ongoing, text = self.window_of(*fields.window)
            changes.update(window=window, ongoing=ongoing or task.ongoing, window_text=text)
        if fields.plan_due is not None and task.plan_due_text is None:
            due, text = self.deadline_of(*fields.plan_due)
            changes.update(plan_due=due, plan_due_text=text)
        if own and fields.content:
            changes["content"] = (*task.content, *fields.content)
        support = [s for s in dict.fromkeys(support) if s != lead]
        return attrs.evolve(
            task, lead=lead, support=tuple(support), support_other=tuple(other), **changes
        )

    def _task_id(self, number: str, parent: _Item | None, roman: str | None) -> str:
        tid = number or "?"
        if tid in self.task_lines:
            new = f"{roman}.{tid}" if roman else f"{tid}'"
            k = 2
            while new in self.task_lines:
                new = f"{roman or ''}.{tid}.{k}".lstrip(".")
                k += 1
            self.find(
                None, "duplicate", tid,
                f"task number {tid} is used twice; the second is imported as {new}",
                f"số nhiệm vụ {tid} bị dùng hai lần; nhiệm vụ sau được nhập với mã {new}",
            )  # fmt: skip
            tid = new
        return tid

    def _section_of(self, item: _Item, roman: str | None) -> str | None:
        parent = item.parent
        if parent is not None and parent.rank > 1 and parent.block.number:
            sid = f"{roman}.{parent.block.number}" if roman else parent.block.number
            self.sections.setdefault(sid, _clean_title(parent.block.text))
            return sid
        if roman:
            heading = next(
                (b for b in self.blocks if b.kind == "roman" and b.number == roman), None
            )
            self.sections.setdefault(roman, heading.text if heading else roman)
            return roman
        return None

    def _leaf(
        self,
        item: _Item,
        roman: str | None,
        organisation: bool,
        inherited: tuple[str, int] | None = None,
        shared: bool = False,
    ) -> list[Task]:
        b = item.block
        head, pairs = _split_labels(b.text)
        title = _clean_title(head if pairs else b.text)
        if not title and b.bold:
            title = _clean_title(b.bold)
        body_blocks = [self.blocks[i] for i in item.body]
        # units as headings, their tasks as bullets under them
        if (
            is_unit_name(title)
            and len(title.split()) <= 14
            and not pairs
            and body_blocks
            and not any(_split_labels(x.text)[1] for x in body_blocks)
        ):
            return self._unit_heading(item, title, roman, organisation)
        fields = self._fields(item, organisation=organisation)
        prose_at = b.line
        prose = _PROSE_LEAD.match(title)
        if prose is None or not is_unit_name(prose.group("lead")):
            prose = None
            for index in item.body:
                found = _PROSE_LEAD.match(_split_labels(self.blocks[index].text)[0])
                if found and is_unit_name(found.group("lead")):
                    prose, prose_at = found, self.blocks[index].line
                    break
        has_time = fields.window is not None or fields.plan_due is not None
        time_m = None if has_time else _PROSE_TIME.search(b.text)
        if organisation and not (fields.lead or has_time or time_m):
            return []  # a standing duty, reported as unused
        if not (fields.lead or has_time or time_m or prose or inherited or shared):
            return []  # a theme, not a task: no unit and no time (reported as unused)
        self.used.update(fields.indices)
        number = b.number or ""
        if b.kind == "letter" and item.parent is not None and item.parent.block.number:
            number = f"{item.parent.block.number}.{number}"
        tid = self._task_id(number, item.parent, roman)
        task = Task(tid, title, "", section=self._section_of(item, roman))
        self.task_lines[tid] = b.line
        self.used.add(item.index)
        if not fields.lead:
            if prose is not None:
                fields.lead.append((prose.group("lead").strip(" –—-"), prose_at))
                if prose.group("support") and not fields.support:
                    fields.support.append((prose.group("support"), prose_at))
            elif inherited is not None:
                fields.lead.append(inherited)
        if not fields.support:
            for index in [item.index, *item.body]:
                text = _split_labels(self.blocks[index].text)[0]
                if prose is not None and prose_at == self.blocks[index].line:
                    continue
                found = _PROSE_SUPPORT.search(text)
                if found:
                    fields.support.append((found.group("support"), self.blocks[index].line))
                    break
        if time_m is not None:
            fields.window = (time_m.group("phrase"), b.line)
            self.find(
                b.line, "guess", time_m.group("phrase"),
                f"task {tid}: window read from the sentence: {time_m.group('phrase')!r}",
                f"nhiệm vụ {tid}: thời gian lấy từ câu văn: {time_m.group('phrase')!r}",
            )  # fmt: skip
        task = self._with_fields(task, fields, b.line, own=True)
        self.tasks.append(task)
        return [task]

    def _unit_heading(
        self, item: _Item, title: str, roman: str | None, organisation: bool
    ) -> list[Task]:
        made: list[Task] = []
        lead_line = item.block.line
        k = 0
        for index in item.body:
            b = self.blocks[index]
            if is_decoration(b.text):
                continue
            m = _PROSE_TIME.search(b.text)
            if organisation and m is None:
                continue
            k += 1
            number = item.block.number or ""
            tid = self._task_id(f"{number}.{k}", None, roman)
            text = _clean_title(b.text)
            task = Task(
                tid, text, self.unit(title, lead_line), section=self._section_of(item, roman)
            )
            if m:
                window, ongoing, phrase = self.window_of(m.group("phrase"), b.line)
                task = attrs.evolve(task, window=window, ongoing=ongoing, window_text=phrase)
            self.find(
                b.line, "guess", b.text,
                f"task {tid} numbered from its unit heading and its bullet's position",
                f"nhiệm vụ {tid} được đánh số theo đề mục đơn vị và thứ tự gạch đầu dòng",
            )  # fmt: skip
            self.task_lines[tid] = b.line
            self.used.add(index)
            self.tasks.append(task)
            made.append(task)
        if made:
            self.used.add(item.index)
        return made

    def _table(self, rows: list[int], roman: str | None, heading_title: str = "") -> None:
        columns: dict[int, str] | None = None
        group: str | None = None
        counter = 0
        for index in rows:
            b = self.blocks[index]
            cells = b.cells or ()
            if columns is None or self._header_row(cells):
                found = self._header_row(cells)
                if found:
                    columns = found
                    self.used.add(index)
                continue
            values: dict[str, str] = {}
            for k, cell in enumerate(cells):
                name = columns.get(k)
                if name and cell.strip():
                    values[name] = cell.strip()
            content = values.get("content", "")
            if not content:
                continue
            number = _clean_value(values.get("number", ""))
            if "lead" not in values and "window" not in values and "plan_due" not in values:
                group = number or group
                sid = f"{roman}.{number}" if roman and number else (number or roman)
                if sid:
                    self.sections.setdefault(sid, _clean_title(content.replace("\n", " ")))
                self.used.add(index)
                continue
            counter += 1
            if not number:
                number = str(counter)
                self.find(
                    b.line, "guess", content.split("\n")[0],
                    f"table row without a number: imported as task {number}",
                    f"dòng bảng không có số thứ tự: nhập thành nhiệm vụ {number}",
                )  # fmt: skip
            elif group and "." not in number and not re.fullmatch(r"[IVX]+", group):
                number = f"{group}.{number}" if re.fullmatch(r"\d+", group) else number
            lines = [x.strip() for x in content.split("\n") if x.strip()]
            title = _clean_title(re.sub(r"^[-+•]\s*", "", lines[0]))
            extra = [re.sub(r"^[-+•]\s*", "", x) for x in lines[1:]]
            if "product" in values:
                extra.append(values["product"].replace("\n", "; "))
            tid = self._task_id(number, None, roman)
            sid = (f"{roman}.{group}" if roman else group) if group else roman
            if sid and sid not in self.sections:
                self.sections[sid] = heading_title if sid == roman and heading_title else sid
            fields = _Fields(content=extra)
            if "lead" in values:
                fields.lead.append((values["lead"].replace("\n", "; "), b.line))
            if "support" in values:
                fields.support.append((values["support"].replace("\n", "; "), b.line))
            if "window" in values:
                fields.window = (values["window"].replace("\n", " "), b.line)
            if "plan_due" in values:
                fields.plan_due = (values["plan_due"].replace("\n", " "), b.line)
            task = Task(tid, title, "", section=sid)
            self.task_lines[tid] = b.line
            task = self._with_fields(task, fields, b.line, own=True)
            if not task.lead:
                task = self._no_lead(task, b.line)
            self.tasks.append(task)
            self.used.add(index)

    @staticmethod
    def _header_row(cells: Sequence[str]) -> dict[int, str] | None:
        found: dict[int, str] = {}
        for k, cell in enumerate(cells):
            text = cell.strip().replace("\n", " ")
            if len(text) > 60:
                return None
            for name, pattern in _TABLE_COLUMNS:
                if pattern.search(text) and name not in found.values():
                    found[k] = name
                    break
        if "content" in found.values() and len(found) >= 2:
            return found
        return None

    # --- closing --------------------------------------------------------------------------------

    def _closing(self, start: int) -> None:
        blocks = self.blocks
        right: list[tuple[str, int]] = []
        in_list = False
        for i in range(start, len(blocks)):
            b = blocks[i]
            fragments = list(b.cells) if b.cells is not None else [b.raw]
            left = fragments[0].strip()
            if _RECIPIENTS.match(left.strip(" -*")):
                in_list = True
                self.used.add(i)
                rest = _RECIPIENTS.sub("", left.strip(" -*")).strip()
                if rest:
                    self.recipients.append(_clean_value(rest.lstrip("-+• ")))
                right.extend((f, b.line) for f in fragments[1:])
                continue
            if in_list and (left.startswith(("-", "+", "•")) or (b.bullet and b.cells is None)):
                self.recipients.append(
                    _clean_value(re.sub(r"^[-+•]\s*", "", b.text if b.cells is None else left))
                )
                self.used.add(i)
                right.extend((f, b.line) for f in fragments[1:])
                continue
            in_list = False
            right.extend((f.strip(), b.line) for f in fragments)
            self.used.add(i)
        self._signer(right)

    def _signer(self, lines: list[tuple[str, int]]) -> None:
        kept: list[tuple[str, int]] = []
        for text, line in lines:
            text = text.strip(" *")
            if not text or is_decoration(text) or _SIGNATURE_NOTE.match(text):
                continue
            kept.append((text, line))
        if not kept:
            return
        name_at = None
        for k in range(len(kept) - 1, -1, -1):
            text = kept[k][0]
            if _NAME.match(text) and not _looks_upper(text):
                name_at = k
                break
        if name_at is None and len(kept) >= 2 and _NAME.match(kept[-1][0]):
            name_at = len(kept) - 1  # a name in capitals
        titles: list[str] = []
        for k, (text, line) in enumerate(kept):
            if k == name_at:
                continue
            if _looks_upper(text) or _SIGN_PREFIX.match(text):
                titles.append(text)
            else:
                self.find(
                    line, "unused", text, f"not imported: {_short(text)}",
                    f"chưa được nhập: {_short(text)}",
                )  # fmt: skip
        if name_at is not None and titles:
            name = kept[name_at][0]
            if _looks_upper(name):
                name = name.title()
            own = [t for t in titles if not _SIGN_PREFIX.match(t)]
            self.signer = Signer(own[-1] if own else titles[-1], name)
        elif titles:
            self.find(
                kept[-1][1], "missing", " ".join(titles), "the signer's name is missing",
                "thiếu họ tên người ký",
            )  # fmt: skip
        elif name_at is not None:
            self.find(
                kept[name_at][1], "missing", kept[name_at][0], "the signer's title is missing",
                "thiếu chức vụ người ký",
            )  # fmt: skip

    # --- reporting ---------------------------------------------------------------------------

    def _reporting_rules(self) -> None:
        task_line_set = set(self.task_lines.values())
        for i, b in enumerate(self.blocks):
            if b.line in task_line_set or b.cells is not None:
                continue
            text = b.text
            folded = _fold(text)
            if "báo cáo" not in folded:
                continue
            for cad in _REPORT_CADENCE.finditer(text):
                sentence_start = max(
                    text.rfind(". ", 0, cad.start()), text.rfind("; ", 0, cad.start())
                )
                clause_start = sentence_start + 2 if sentence_start >= 0 else 0
                ends = [m.end() for m in re.finditer(r"\.(?=\s|$)", text[cad.end() :])]
                clause_end = cad.end() + ends[0] if ends else len(text)
                clause = text[clause_start:clause_end]
                if "báo cáo" not in _fold(clause):
                    continue
                first = min(
                    (
                        p
                        for p in (_fold(clause).find("báo cáo"), _fold(clause).find("định kỳ"))
                        if p >= 0
                    ),
                    default=0,
                )
                rule_text = clause[first:].strip()
                day_m = _REPORT_DAY.search(clause)
                if day_m is None:
                    self.find(
                        b.line, "phrase", rule_text,
                        "a reporting duty without a day that can be read; not imported",
                        "quy định báo cáo không đọc được ngày; không nhập",
                    )  # fmt: skip
                    self.used.add(i)
                    continue
                if day_m.group("before"):
                    day = int(day_m.group("before"))
                elif day_m.group("last"):
                    day = int(day_m.group("last")) + 1
                else:
                    day = int(day_m.group("latest")) + 1
                if not 1 <= day <= 31:
                    self.find(
                        b.line, "phrase", rule_text, f"reporting day {day} is not a day",
                        f"ngày báo cáo {day} không hợp lệ",
                    )  # fmt: skip
                    continue
                to_m = next(
                    (m for m in _REPORT_TO.finditer(clause) if self._names_unit(m.group("to"))),
                    None,
                )
                if to_m:
                    to = self.unit(to_m.group("to").strip(), b.line)
                else:
                    to = self._issuer()
                    self.find(
                        b.line, "guess", rule_text,
                        "the report's receiver is not named; the issuing body is assumed",
                        "không nêu nơi nhận báo cáo; coi là cơ quan ban hành",
                    )  # fmt: skip
                every = "quarter" if cad.group("every").lower() == "quý" else "month"
                self.reporting.append(ReportingRule(to=to, every=every, day=day, text=rule_text))
                self.used.add(i)

    # --- what is left ----------------------------------------------------------------------------

    def _unused(self) -> None:
        for i, b in enumerate(self.blocks):
            if i in self.used:
                continue
            text = b.raw if b.cells is None else " | ".join(c for c in b.cells if c)
            if is_decoration(text):
                continue
            if _CLOSING.match(b.text):
                self.find(
                    b.line, "note", text[:120], "closing formula, not imported",
                    "câu kết của văn bản, không nhập",
                )  # fmt: skip
                continue
            if i in self.duties:
                self.find(
                    b.line, "unused", text,
                    f"a standing duty under 'Tổ chức thực hiện', not a dated task: {_short(text)}",
                    f"nhiệm vụ chung tại 'Tổ chức thực hiện', không phải nhiệm vụ có thời hạn: "
                    f"{_short(text)}",
                )  # fmt: skip
                continue
            self.find(
                b.line, "unused", text,
                f"not imported: {_short(text)}", f"chưa được nhập: {_short(text)}",
            )  # fmt: skip

    def _plan(self) -> Plan | None:
        if not self.tasks:
            return None
        tasks = []
        for task in self.tasks:
            if not task.lead:
                task = self._no_lead(task, self.task_lines.get(task.id, 0))
            tasks.append(task)
        issuer = self._issuer()
        self.findings.extend(self.table.findings())
        by_id = {u.id: u for u in self.table.units()}
        units: list[Unit] = [by_id.pop(u.id, u) for u in self.known]
        units.extend(by_id.values())
        title = self.title or tasks[0].title
        plan = Plan(
            id=self.plan_id or _slug(self.reference or title),
            title=title,
            issuer=issuer,
            units=tuple(units),
            tasks=tuple(tasks),
            reference=self.reference,
            issued_on=self.issued_on,
            place=self.place,
            bases=tuple(self.bases),
            purposes=tuple(self.purposes),
            sections=tuple(Section(k, v) for k, v in self.sections.items()),
            reporting=tuple(self.reporting),
            recipients=tuple(self.recipients),
            signer=self.signer,
        )
        for problem in plan.problems:
            self.find(None, "invalid", problem.path, problem.en, problem.vi)
        if self.reference is None and self.issued_on is None:
            self.find(
                None, "missing", "",
                "the document shows no number (Số), no date and no place of issue",
                "văn bản không ghi số, ngày và địa danh ban hành",
            )  # fmt: skip
        self.find(
            None, "note", "", "dependencies between tasks are never read from a document; "
            "add depends_on by hand", "quan hệ phụ thuộc giữa các nhiệm vụ không được đọc từ "
            "văn bản; hãy thêm depends_on bằng tay",
        )  # fmt: skip
        return plan


def _short(text: str, width: int = 80) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


_ASCII = str.maketrans({"đ": "d", "Đ": "D"})


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text.translate(_ASCII))
    ascii_text = "".join(c for c in ascii_text if not unicodedata.combining(c)).lower()
    words = re.findall(r"[a-z0-9]+", ascii_text)
    out = ""
    for w in words:
        if len(out) + len(w) + 1 > 40:
            break
        out = f"{out}-{w}" if out else w
    return out or "ke-hoach"


def extract_plan(
    blocks: Sequence[Block],
    *,
    units: Sequence[Unit] = (),
    plan_id: str | None = None,
    fmt: str = "markdown",
) -> tuple[Plan | None, list[Finding]]:
    """The plan in ``blocks`` (``None`` when no task was found) and the findings."""
    ex = _Extractor(blocks, units, plan_id, fmt)
    plan = ex.run()
    return plan, ex.findings
