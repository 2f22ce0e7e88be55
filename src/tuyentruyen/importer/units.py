"""The importer's unit table: unit names found in a document, merged, flagged and given ids.

A kế hoạch names its units in running text, in several spellings ("Ủy ban MTTQ",
"Ủy ban Mặt trận Tổ quốc"; "Phòng …" and "phòng …"; NFC and NFD; "hóa" and "hoá"),
and sometimes with a typo. :class:`UnitTable` turns every name it is given into a unit
id:

* spellings that :func:`tuyentruyen.names.normalize_name` maps to one key are one unit,
  silently;
* a name that is probably a typo of a unit already seen (or of a known unit, from
  ``--units`` or a plan file) is read as that unit, and the table records a
  :class:`~tuyentruyen.importer.report.Finding` of kind ``"unit"`` so that a person
  checks it (see :func:`near_duplicate` for the rule; when in doubt, the table keeps two
  units apart: a wrong merge hides an error, a missed one only shows up as an extra
  unit);
* any other name is a new unit with a new id.

**Unit ids** are made from the first spelling of the name, so they are stable from one
run to the next on the same document:

1. diacritics are dropped (``đ`` becomes ``d``) and everything is lower case ASCII;
2. the words are cut into groups at dashes and commas, before an embedded kind of unit
   ("Tạp chí", "Tỉnh ủy", "Văn phòng" …), around an abbreviation written in capitals
   ("MTTQ", "BTGTW", "TT&TT") and before a place word ("tỉnh", "huyện", "thành phố" …)
   that ends the name or comes before a place name;
3. each group is written as the initials of its words ("Trung tâm Truyền thông" ->
   ``tttt``; "và" is left out), an abbreviation as itself, a one-syllable place word in
   full (``tinh``, ``huyen``, ``xa``), a longer one by its initials (``tp``, ``tx``,
   ``tw``) and a number in full; the leading "Sở" and "Phòng" are written out
   (``so-``, ``phong-``), as their initial alone would say little;
4. groups are joined with ``-``; a result of fewer than four letters becomes the
   whole words instead ("Tỉnh ủy" -> ``tinh-uy``); a result longer than 24 characters
   is cut at 24; a name with no letter or digit at all gets ``dv`` (*đơn vị*);
5. an id already taken (by a known unit or an earlier new one) gets ``-2``, ``-3`` …

>>> unit_id_for("Phòng Tuyên truyền - Báo chí - Xuất bản")
'phong-tt-bc-xb'
>>> unit_id_for("Sở Thông tin và Truyền thông"), unit_id_for("Sở TT&TT")
('so-tttt', 'so-tttt')
>>> unit_id_for("Trung tâm Truyền thông tỉnh"), unit_id_for("Hội Nhà báo tỉnh")
('tttt-tinh', 'hnb-tinh')
>>> unit_id_for("UBND tỉnh"), unit_id_for("Ủy ban nhân dân huyện Vân Đồn")
('ubnd-tinh', 'ubnd-huyen-vd')
>>> unit_id_for("Ban Thư ký Tạp chí Cộng sản"), unit_id_for("Văn phòng Tỉnh ủy")
('btk-tccs', 'vp-tu')
>>> unit_id_for("Trung tâm Thông tin công tác Tuyên giáo BTGTW")
'ttttcttg-btgtw'
>>> unit_id_for("Tỉnh ủy"), unit_id_for("Cục Thuế")
('tinh-uy', 'cuc-thue')
>>> unit_id_for("Sở Thông tin và Truyền thông", taken={"so-tttt"})
'so-tttt-2'

A whole document's worth:

>>> table = UnitTable()
>>> table.resolve("Phòng Văn hóa và Dư luận xã hội", 20)
'phong-vhdlxh'
>>> table.resolve("PHÒNG VĂN HOÁ VÀ DƯ LUẬN XÃ HỘI.", 31)
'phong-vhdlxh'
>>> table.resolve("Phòng Văn hóa và Du lịch xã hội", 57)
'phong-vhdlxh'
>>> print(table.findings()[0].render("en"))  # doctest: +NORMALIZE_WHITESPACE
line 57: 'Phòng Văn hóa và Du lịch xã hội' looks like 'Phòng Văn hóa và Dư luận xã hội'
(line 20); read as that unit - check the spelling
(suggestion: 'Phòng Văn hóa và Dư luận xã hội')
>>> table.units()[0].aliases
('Phòng Văn hóa và Du lịch xã hội',)
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from tuyentruyen.errors import PlanError, Problem
from tuyentruyen.importer.report import Finding
from tuyentruyen.io import read_text_file
from tuyentruyen.model import Unit
from tuyentruyen.names import NameIndex, nfc, normalize_name
from tuyentruyen.reading import read_json, read_yaml, shown

__all__ = [
    "UnitTable",
    "is_unit_name",
    "load_units_file",
    "near_duplicate",
    "split_unit_list",
    "unit_id_for",
]

# --- kinds of units -------------------------------------------------------------------

#: Words a unit name starts with (its kind), as written. A kind in the first tuple needs
#: a capitalised word after it ("Sở Y tế", "Hội Nhà báo", not "Hội nghị", "Báo cáo",
#: "Ban hành"); a kind in the second is a name by itself when capitalised ("Tỉnh ủy",
#: "Công an tỉnh", "UBND tỉnh").
_KINDS_NEED_NAME = (
    "Phòng",
    "Sở",
    "Ban",
    "Hội",
    "Hội đồng",
    "Hiệp hội",
    "Trung tâm",
    "Ủy ban",
    "Văn phòng",
    "Viện",
    "Học viện",
    "Báo",
    "Đài",
    "Tạp chí",
    "Nhà xuất bản",
    "Trường",
    "Trường Đại học",
    "Đại học",
    "Khoa",
    "Bộ",
    "Bộ Chỉ huy",
    "Cục",
    "Chi cục",
    "Tổng cục",
    "Vụ",
    "Liên đoàn",
    "Liên minh",
    "Thường trực",
    "Đoàn",
    "Thanh tra",
    "Kho bạc",
    "Ngân hàng",
    "Bệnh viện",
    "Công ty",
    "Tổng công ty",
    "Chi nhánh",
    "Câu lạc bộ",
    "Tiểu ban",
    "Mặt trận",
)
_KINDS_ALONE = (
    "Tỉnh ủy",
    "Thành ủy",
    "Huyện ủy",
    "Thị ủy",
    "Quận ủy",
    "Đảng ủy",
    "Ủy ban nhân dân",
    "Hội đồng nhân dân",
    "Ủy ban Mặt trận Tổ quốc",
    "Mặt trận Tổ quốc",
    "Công an",
    "Tỉnh đoàn",
    "Thành đoàn",
    "Huyện đoàn",
    "Tòa án nhân dân",
    "Viện Kiểm sát nhân dân",
    "Bộ Chỉ huy Quân sự",
    "Bộ đội Biên phòng",
    "Bảo hiểm xã hội",
    "Kho bạc Nhà nước",
)
#: Kinds of a part of a larger body: "Viện Lịch sử Đảng, Học viện Chính trị …" is one
#: unit (the first sits in the second), see :func:`split_unit_list`.
_PARTS_OF = {
    normalize_name(parent): frozenset(normalize_name(k) for k in children)
    for parent, children in (
        # "Viện Lịch sử Đảng, Học viện Chính trị Quốc gia Hồ Chí Minh"
        ("Học viện", ("Viện", "Khoa", "Trung tâm", "Phòng", "Ban", "Tạp chí", "Nhà xuất bản")),
        ("Trường Đại học", ("Viện", "Khoa", "Trung tâm", "Phòng")),
        ("Đại học", ("Viện", "Khoa", "Trung tâm", "Phòng", "Trường")),
        # "Cục Báo chí, Bộ Thông tin và Truyền thông"; but "Phòng X, Bộ Y" are two units
        ("Bộ", ("Vụ", "Cục")),
    )
}
#: Kinds written out in ids instead of by their initial.
_SPELLED_KINDS = {normalize_name("Sở"): "so", normalize_name("Phòng"): "phong"}
#: Kinds that, inside a name, start a new group of its id ("Ban Thư ký | Tạp chí …").
_EMBEDDED_KINDS = (
    "Tạp chí",
    "Tỉnh ủy",
    "Thành ủy",
    "Huyện ủy",
    "Thị ủy",
    "Đảng ủy",
    "Văn phòng",
    "Trung tâm",
    "Học viện",
    "Trường Đại học",
    "Ủy ban nhân dân",
    "Hội đồng nhân dân",
    "Ủy ban Mặt trận Tổ quốc",
    "Bộ Chỉ huy Quân sự",
    "Bộ đội Biên phòng",
    "Nhà xuất bản",
)
#: Place words ("tỉnh Quảng Ninh", "Trung tâm Truyền thông tỉnh") and their id forms.
_SCOPES = {
    "tỉnh": "tinh",
    "huyện": "huyen",
    "quận": "quan",
    "xã": "xa",
    "phường": "phuong",
    "thành phố": "tp",
    "thị xã": "tx",
    "thị trấn": "ttr",
    "trung ương": "tw",
}
#: Words that make a text a group of units rather than one ("các sở, ngành").
_GROUP_WORDS = frozenset(("các", "những", "mọi"))
#: Items of a list that mean "and so on".
_ETC = re.compile(r"(?i)^(?:v\.?\s?v\.?|vv|\.+|…+|và các đơn vị khác)$")


@functools.lru_cache(maxsize=4096)
def _key(text: str) -> str:
    return normalize_name(text)


def _kind_table(phrases: Iterable[str]) -> dict[str, str]:
    return {_key(p): _key(p) for p in phrases}


_NEED_NAME = _kind_table(_KINDS_NEED_NAME)
_ALONE = _kind_table(_KINDS_ALONE)
_ALL_KINDS = {**_NEED_NAME, **_ALONE}
_MAX_KIND_WORDS = max(len(k.split()) for k in _ALL_KINDS)
#: Kind phrases as tuples of key words, longest first (for keys, see :func:`_analyse`).
_KIND_TOKENS = sorted({tuple(k.split()) for k in _ALL_KINDS}, key=len, reverse=True)
_EMBEDDED_TOKENS = sorted({tuple(_key(k).split()) for k in _EMBEDDED_KINDS}, key=len, reverse=True)
_SCOPE_TOKENS = sorted(
    ((tuple(_key(s).split()), slug) for s, slug in _SCOPES.items()),
    key=lambda t: len(t[0]),
    reverse=True,
)
_VA = _key("và")


# --- small text helpers ---------------------------------------------------------------

_SPACES = re.compile(r"\s+")
_TRAILING = re.compile(r"(?:\s|[.,;:…]|\(\s*\))+$")
_LEADING = re.compile(r"^(?:\s|[-+•*–—.,;:…])+")


def _clean(text: str) -> str:
    """NFC, one space between words, no bullet before nor full stop/ellipsis after."""
    text = _SPACES.sub(" ", unicodedata.normalize("NFC", text))
    text = _TRAILING.sub("", text)
    return _LEADING.sub("", text)


def _fold(text: str) -> str:
    """ASCII-ish: no diacritics, ``đ`` as ``d``, lower case."""
    decomposed = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _is_capitalised(word: str) -> bool:
    first = word[:1]
    return first.isupper() or first.isdigit()


def _is_abbreviation(word: str) -> bool:
    """A word written in capitals that the name normaliser expands ("UBND", "MTTQ")."""
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters) and _key(word) != _fold_key(word)


def _fold_key(word: str) -> str:
    return unicodedata.normalize("NFC", word.casefold()).strip(" .,;:")


def _kind_of_words(words: Sequence[str]) -> tuple[str, int] | None:
    """The kind a name starts with (its key) and how many written words it takes."""
    for k in range(min(len(words), _MAX_KIND_WORDS), 0, -1):
        found = _ALL_KINDS.get(_key(" ".join(words[:k])))
        if found is not None:
            return found, k
    return None


# --- is_unit_name ---------------------------------------------------------------------


def _starts_unit(text: str) -> bool:
    """Whether ``text`` begins like a unit name (kind, then a proper name)."""
    words = text.split()
    if not words:
        return False
    if _is_abbreviation(words[0]) and _kind_of_words(_key(words[0]).split()) is not None:
        return True  # "UBND tỉnh", "BTGTU"
    found = _kind_of_words(words)
    if found is None:
        return False
    kind, size = found
    rest = words[size:]
    if kind in _ALONE and _is_capitalised(words[0]):
        return True
    return bool(rest) and (_is_capitalised(rest[0]) or _is_abbreviation(rest[0]))


def _has_group_word(text: str) -> bool:
    words = [w.casefold() for w in text.split()]
    for i, word in enumerate(words):
        if word in _GROUP_WORDS and not (i > 0 and words[i - 1] == "khối"):
            return True
    return len(words) >= 2 and words[-2:] == ["liên", "quan"]


def is_unit_name(text: str) -> bool:
    """Whether ``text`` reads as the name of one unit (a heuristic on its first words).

    A unit name starts with a kind of unit — Phòng, Sở, Ban, Hội, Trung tâm, Ủy ban,
    UBND, Văn phòng, Viện, Báo, Đài, Tạp chí, Học viện, Huyện ủy, Thành ủy, Đảng ủy,
    Công an, Bộ Chỉ huy, Liên đoàn, Tỉnh đoàn … — followed by a capitalised word ("Sở Y
    tế", "phòng Thông tin - Tổng hợp"), or is a kind that names a body by itself, written
    with a capital ("Tỉnh ủy", "Công an tỉnh", "UBND tỉnh"). Texts about several units
    ("các sở, ngành liên quan", "ban tuyên huấn các huyện", "… đơn vị liên quan") are
    not unit names.

    >>> is_unit_name("Sở Văn hóa và Thể thao"), is_unit_name("UBND tỉnh")
    (True, True)
    >>> is_unit_name("Hội nghị Báo cáo viên"), is_unit_name("các sở, ngành liên quan")
    (False, False)
    """
    text = _clean(text)
    if not text or len(text) > 200 or _has_group_word(text):
        return False
    return _starts_unit(text)


def _starts_group(text: str) -> bool:
    first = text.split(maxsplit=1)[:1]
    return bool(first) and first[0].casefold() in _GROUP_WORDS


# --- split_unit_list ------------------------------------------------------------------


@attrs.define
class _Part:
    sep: str  # "", "," or ";": what came before this part
    text: str = ""
    inner: list[str] = attrs.Factory(list)


def _parts(text: str) -> list[_Part]:
    """Split at "," and ";" outside parentheses; parenthesised text goes to ``inner``."""
    parts = [_Part("")]
    outside: list[str] = []
    inside: list[str] = []
    depth = 0
    for ch in text:
        if depth == 0:
            if ch in ",;":
                parts[-1].text = "".join(outside)
                outside = []
                parts.append(_Part(ch))
            elif ch == "(":
                depth = 1
            elif ch != ")":  # a stray ")" is dropped
                outside.append(ch)
        elif ch == "(":
            depth += 1
            inside.append(ch)
        elif ch == ")":
            depth -= 1
            if depth == 0:
                parts[-1].inner.append("".join(inside))
                inside = []
            else:
                inside.append(ch)
        else:
            inside.append(ch)
    if depth > 0:  # unbalanced: the rest is inside
        parts[-1].inner.append("".join(inside))
    parts[-1].text = "".join(outside)
    return parts


_VA_SPLIT = re.compile(r"\s+và\s+", re.IGNORECASE)


def _split_va(text: str) -> list[str]:
    """Split "A và B" where B is a unit, or A is a unit and B a group.

    "Ủy ban MTTQ và các tổ chức chính trị - xã hội tỉnh" -> unit + group;
    "Sở Văn hóa và Thể thao" stays whole.
    """
    pieces = _VA_SPLIT.split(text)
    if len(pieces) == 1:
        return pieces
    joiners = _VA_SPLIT.findall(text)
    out = [pieces[0]]
    for joiner, piece in zip(joiners, pieces[1:], strict=True):
        if is_unit_name(piece) or (_starts_group(piece) and _starts_unit(out[-1])):
            out.append(piece)
        else:
            out[-1] += joiner + piece
    return out


def _kind_key(text: str) -> str | None:
    found = _kind_of_words(text.split())
    return None if found is None else found[0]


@attrs.define
class _Splitter:
    names: list[str] = attrs.Factory(list)
    groups: list[str] = attrs.Factory(list)
    current: str | None = None
    current_is_unit: bool = False
    pending_names: list[str] = attrs.Factory(list)
    pending_groups: list[str] = attrs.Factory(list)

    def close(self) -> None:
        if self.current is not None:
            item = _clean(self.current)
            if item:
                (self.names if self.current_is_unit else self.groups).append(item)
        self.current = None
        self.names += self.pending_names
        self.groups += self.pending_groups
        self.pending_names = []
        self.pending_groups = []

    def start(self, text: str, unit: bool) -> None:
        self.close()
        self.current, self.current_is_unit = text, unit

    def add(self, piece: str, sep: str) -> None:
        piece = _clean(piece)
        if not piece or _ETC.match(piece):
            return
        if is_unit_name(piece):
            if (
                sep == ","
                and self.current is not None
                and self.current_is_unit
                and _kind_key(self.current) in _PARTS_OF.get(_kind_key(piece) or "", frozenset())
            ):
                self.current += ", " + piece  # "Viện X, Học viện Y": X is part of Y
            else:
                self.start(piece, unit=True)
        elif sep != "," or self.current is None or _starts_group(piece):
            self.start(piece, unit=False)
        elif not self.current_is_unit or _is_capitalised(piece):
            self.current += ", " + piece  # "các cơ quan, đơn vị"; "Sở Văn hóa, Thể thao …"
        else:
            self.start(piece, unit=False)

    def feed(self, text: str, depth: int) -> None:
        for part in _parts(text):
            if part.sep == ";":
                self.close()
            pieces = _split_va(_clean(part.text)) if part.text.strip() else []
            for i, piece in enumerate(pieces):
                self.add(piece, part.sep if i == 0 else ";")
            for inner in part.inner:
                self._inner(inner, depth)
            if not pieces and part.inner:
                self.close()

    def _inner(self, inner: str, depth: int) -> None:
        inner = _clean(inner)
        if not inner:
            return
        after_unit = self.current is not None and self.current_is_unit
        words = inner.split()
        if after_unit and len(words) == 1 and words[0].isupper():
            return  # "Ban Tuyên giáo Tỉnh ủy (BTGTU)": the short name, not another unit
        if depth >= 20:
            self.pending_groups.append(f"({inner})")
            return
        sub = _Splitter()
        sub.feed(inner, depth + 1)
        sub.close()
        if sub.names:
            self.pending_names += sub.names
            self.pending_groups += sub.groups
        else:  # a note ("(đầu mối)"), no unit: kept verbatim, in its parentheses
            self.pending_groups.append(f"({inner})")


def split_unit_list(text: str) -> tuple[list[str], list[str]]:
    """Split an "Đơn vị phối hợp: …" value into unit names and free-text groups.

    Items are separated by ";" and "," outside parentheses. An item that
    :func:`is_unit_name` accepts is a unit; an item starting with "các"/"những", or any
    other item that does not continue the one before, starts a free-text group, and the
    comma-separated items after it that are not units belong to it ("các cơ quan, đơn vị
    liên quan" is one group). A capitalised item after a unit continues its name ("Sở
    Văn hóa, Thể thao và Du lịch"), and so does a "Học viện"/"Đại học"/"Bộ" after the
    "Viện"/"Khoa"/"Trung tâm"/"Phòng"/… that belongs to it ("Viện Lịch sử Đảng, Học
    viện Chính trị Quốc gia Hồ Chí Minh" is one unit). "và" splits where a unit follows,
    or a group follows a unit ("Ủy ban MTTQ và các tổ chức chính trị - xã hội tỉnh").

    Parenthesised text lists examples of the item before it: that item stays as written
    (without the parentheses) and the units and groups inside come after it. A single
    word in capitals after a unit is its short name and is dropped; parenthesised text
    that names no unit (a note: "(đầu mối)") is kept as a group, in its parentheses.
    Full stops, ellipses and "v.v." at the ends of items are dropped.

    >>> split_unit_list("Ban Thư ký Tạp chí Cộng sản; các phòng thuộc Ban; "
    ...                 "Trung tâm Truyền thông tỉnh, các cơ quan, đơn vị liên quan.")
    (['Ban Thư ký Tạp chí Cộng sản', 'Trung tâm Truyền thông tỉnh'], \
['các phòng thuộc Ban', 'các cơ quan, đơn vị liên quan'])
    >>> split_unit_list("các sở, ngành (Sở Y tế, Sở Tư pháp...); Ủy ban MTTQ và các đoàn thể")
    (['Sở Y tế', 'Sở Tư pháp', 'Ủy ban MTTQ'], ['các sở, ngành', 'các đoàn thể'])
    """
    splitter = _Splitter()
    splitter.feed(unicodedata.normalize("NFC", text), 0)
    splitter.close()
    return splitter.names, splitter.groups


# --- unit ids -------------------------------------------------------------------------

_ID_TOKEN = re.compile(r"[^\W_]+(?:&[^\W_]+)*|[-–—−‐‑,;/]")
_MAX_ID = 24


def _match_at(words: Sequence[str], i: int, table: Iterable[tuple[str, ...]]) -> int:
    """Length of the longest phrase of ``table`` at ``words[i:]`` (0 if none)."""
    for phrase in table:
        if tuple(words[i : i + len(phrase)]) == phrase:
            return len(phrase)
    return 0


def _word_initial(word: str) -> str:
    folded = re.sub(r"[^a-z0-9]", "", _fold(word))
    if not folded:
        return ""
    return folded if folded.isdigit() else folded[0]


def unit_id_for(name: str, taken: Collection[str] = ()) -> str:
    """The id a new unit named ``name`` gets, not one of ``taken`` (see the module doc)."""
    text = _clean(re.sub(r"\([^)]*\)", " ", unicodedata.normalize("NFC", name)))
    tokens = _ID_TOKEN.findall(text)
    words = [t for t in tokens if t[0].isalnum()]
    keys = [_key(t) if t[0].isalnum() else t for t in tokens]
    groups: list[str] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            groups.append("".join(current))
            current.clear()

    first_kind = _kind_of_words(words)
    i = 0
    if first_kind is not None and first_kind[0] in _SPELLED_KINDS:
        groups.append(_SPELLED_KINDS[first_kind[0]])
        i = first_kind[1]
    while i < len(tokens):
        token, key = tokens[i], keys[i]
        if not token[0].isalnum():
            flush()
            i += 1
            continue
        if key == _VA:
            i += 1
            continue
        scope = _match_at(keys, i, (s for s, _ in _SCOPE_TOKENS))
        if scope and i > 0:
            after = tokens[i + scope] if i + scope < len(tokens) else None
            if after is None or (after[0].isalnum() and _is_capitalised(after)):
                flush()
                slug = dict(_SCOPE_TOKENS)[tuple(keys[i : i + scope])]
                groups.append(slug)
                i += scope
                continue
        if i > 0 and _is_capitalised(token) and _match_at(keys, i, _EMBEDDED_TOKENS):
            flush()
        letters = [c for c in token if c.isalpha()]
        if len(letters) >= 2 and all(c.isupper() for c in letters):
            flush()
            groups.append(re.sub(r"[^a-z0-9]", "", _fold(token)))
            i += 1
            continue
        current.append(_word_initial(token))
        i += 1
    flush()
    groups = [g for g in groups if g]
    base = "-".join(groups)
    if len(base.replace("-", "")) < 4:
        whole = "-".join(w for w in (re.sub(r"[^a-z0-9]", "", _fold(t)) for t in words) if w)
        base = whole or base
    base = base[:_MAX_ID].strip("-") or "dv"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        suffix = f"-{n}"
        candidate = base[: _MAX_ID - len(suffix)].rstrip("-") + suffix
    return candidate


# --- near-duplicates ------------------------------------------------------------------

_KEY_TOKEN = re.compile(r"[^\s,;/()]+|[,;/()]")


@attrs.frozen
class _Analysed:
    key: str
    folded: str
    tokens: tuple[str, ...]
    roles: tuple[str, ...]  # "kind", "sep", "scope", "place" or "word"
    kind: tuple[str, ...] | None


@functools.lru_cache(maxsize=8192)
def _analyse(key: str) -> _Analysed:
    tokens = tuple(_KEY_TOKEN.findall(key))
    roles = ["word"] * len(tokens)
    kind: tuple[str, ...] | None = None
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if not any(c.isalnum() for c in token) or token == _VA:
            roles[i] = "sep"
            i += 1
            continue
        size = _match_at(tokens, i, _KIND_TOKENS) if i == 0 else 0
        size = size or _match_at(tokens, i, _EMBEDDED_TOKENS)
        if size:
            if i == 0:
                kind = tokens[:size]
            roles[i : i + size] = ["kind"] * size
            i += size
            continue
        scope = _match_at(tokens, i, (s for s, _ in _SCOPE_TOKENS))
        if scope and not (token == _key("xã") and tokens[i + 1 : i + 2] == (_key("hội"),)):
            roles[i : i + scope] = ["scope"] * scope
            i += scope
            # The place name after it: "huyện Hải Hà" and "huyện Đầm Hà" are two places.
            while i < len(tokens) and any(c.isalnum() for c in tokens[i]) and tokens[i] != _VA:
                roles[i] = "place"
                i += 1
            continue
        i += 1
    return _Analysed(key, _fold(key), tokens, tuple(roles), kind)


def _whole_component(roles: Sequence[str], start: int, end: int) -> bool:
    """Whether ``[start, end)`` is a whole run of plain words (between separators)."""
    before = start == 0 or roles[start - 1] != "word"
    after = end == len(roles) or roles[end] != "word"
    return before and after


def near_duplicate(a: str, b: str) -> bool:
    """Whether unit names ``a`` and ``b`` are different spellings that are probably one unit.

    Compared on their :func:`~tuyentruyen.names.normalize_name` keys. Equal keys are
    the same unit (not a near-duplicate). Keys equal once diacritics are dropped ("Dư
    luận" / "Dự luận", "Truyền thông" / "Truyền thống") are near-duplicates. Otherwise
    both names must start with the same kind of unit, be at least 80 % alike
    (:class:`difflib.SequenceMatcher`), and differ in exactly one place: one or two
    words replaced by as many words, which are not a kind of unit, a place word or a
    number, and not a whole part of the name between dashes, commas, "và" or place
    words — so a word inside a part is wrong ("Văn hóa và **Du lịch** xã hội" for
    "Văn hóa và **Dư luận** xã hội"), not another part ("Trung tâm Văn hóa - **Thông
    tin**" and "… - **Thể thao**" are two centres) — nor part of a place name ("huyện
    **Hải** Hà" / "huyện **Đầm** Hà") or of a proper name written with a capital on
    every syllable ("Trường THCS Lê **Lợi**" / "… Lê **Lai**"), with at least three
    plain words in common ("Sở Nội vụ" and "Sở Ngoại vụ" are too short to tell).

    >>> near_duplicate("Phòng Văn hóa và Du lịch xã hội", "Phòng Văn hóa và Dư luận xã hội")
    True
    >>> near_duplicate("Sở Văn hóa và Thể thao", "Sở Văn hóa, Thể thao và Du lịch")
    False
    """
    return _near(_analyse(_key(a)), _analyse(_key(b)), _proper_words(a) | _proper_words(b))


@functools.lru_cache(maxsize=8192)
def _proper_words(spelling: str) -> frozenset[str]:
    """Folded words of proper names in ``spelling``: runs of two or more capitalised
    words after its kind ("Lê Lợi", "Hòn Gai", "Hồ Chí Minh"; not "Dư luận xã hội")."""
    words = list(_KEY_TOKEN.findall(unicodedata.normalize("NFC", spelling)))
    found = _kind_of_words([w for w in words if w[0].isalnum()])
    start = found[1] if found is not None else 0
    out: set[str] = set()
    run: list[str] = []
    for word in [*words[start:], ","]:
        if word[0].isalnum() and _is_capitalised(word) and _key(word) != _VA:
            run.append(word)
            continue
        if len(run) >= 2:
            out.update(_fold(w) for w in run)
        run = []
    return frozenset(out)


def _near(a: _Analysed, b: _Analysed, proper: frozenset[str] = frozenset()) -> bool:
    if a.key == b.key:
        return False
    if a.folded == b.folded:
        return True
    if a.kind is None or a.kind != b.kind:
        return False
    if abs(len(a.key) - len(b.key)) > 0.25 * max(len(a.key), len(b.key)):
        return False
    if difflib.SequenceMatcher(None, a.key, b.key, autojunk=False).ratio() < 0.8:
        return False
    ops = difflib.SequenceMatcher(None, a.tokens, b.tokens, autojunk=False).get_opcodes()
    changed = [op for op in ops if op[0] != "equal"]
    if len(changed) != 1 or changed[0][0] != "replace":
        return False
    _, i1, i2, j1, j2 = changed[0]
    if i2 - i1 != j2 - j1 or i2 - i1 > 2:
        return False
    if any(r != "word" for r in (*a.roles[i1:i2], *b.roles[j1:j2])):
        return False
    replaced = (*a.tokens[i1:i2], *b.tokens[j1:j2])
    if any(c.isdigit() for t in replaced for c in t):
        return False
    if any(_fold(t) in proper for t in replaced):
        return False
    if _whole_component(a.roles, i1, i2) or _whole_component(b.roles, j1, j2):
        return False
    common = sum(
        1
        for tag, k1, k2, _, _ in ops
        if tag == "equal"
        for role in a.roles[k1:k2]
        if role == "word"
    )
    return common >= 3


# --- the table ------------------------------------------------------------------------


@attrs.define
class _Entry:
    """A unit of the table: known (from ``known``) or new (found in the document)."""

    id: str
    name: str
    known: Unit | None = None
    aliases: list[str] = attrs.Factory(list)
    first_line: int | None = None


@attrs.define
class _Typo:
    spelling: str
    unit_id: str
    like: str  # the spelling it was matched to
    like_line: int | None
    lines: list[int] = attrs.Factory(list)


class UnitTable:
    """Unit names of one document, resolved to unit ids (see the module doc).

    ``known`` units (from ``--units`` or a plan file) are matched first, by id, name,
    short name and aliases in any spelling; a name close to one of them by
    :func:`near_duplicate` is read as it, with a finding. Names matching no unit make
    new units, with ids from :func:`unit_id_for` that differ from every known id.
    """

    def __init__(self, known: Sequence[Unit] = ()) -> None:
        self._known: dict[str, Unit] = {}
        for unit in known:
            self._known.setdefault(unit.id, unit)
        self._index = NameIndex(
            (u.id, (u.name, *((u.short,) if u.short else ()), *u.aliases))
            for u in self._known.values()
        )
        self._taken: set[str] = set(self._known)
        self._keys: dict[str, str] = {}
        #: The line each key was first resolved on.
        self._key_lines: dict[str, int] = {}
        #: (key, unit id, spelling) to compare new names with, in first-seen order.
        self._candidates: list[tuple[str, str, str]] = [
            (_key(n), u.id, n)
            for u in self._known.values()
            for n in (u.name, *u.aliases)
            if _key(n)
        ]
        self._entries: dict[str, _Entry] = {}
        self._typos: dict[str, _Typo] = {}
        self._notes: list[Finding] = []

    # -- resolving

    def resolve(self, name: str, line: int) -> str:
        """The unit id ``name`` means, registering a new unit if it names none yet.

        ``line`` is the 1-based line of the document the name was read on; findings
        cite it.
        """
        spelling = _clean(name)
        key = _key(spelling) if spelling else ""
        found = self._keys.get(key)
        if found is not None:
            typo = self._typos.get(key)
            if typo is not None and line not in typo.lines:
                typo.lines.append(line)
            return self._seen(found, line)
        found = self._known_match(spelling, key, line)
        if found is None and key:
            found = self._near_match(spelling, key, line)
        if found is None:
            found = unit_id_for(spelling, self._taken)
            self._taken.add(found)
            self._entries[found] = _Entry(found, _display(spelling), first_line=line)
            if key:
                self._candidates.append((key, found, spelling))
        self._keys[key] = found
        self._key_lines.setdefault(key, line)
        return self._seen(found, line)

    def _seen(self, unit_id: str, line: int) -> str:
        entry = self._entries.get(unit_id)
        if entry is None:
            unit = self._known[unit_id]
            self._entries[unit_id] = _Entry(unit_id, unit.name, known=unit, first_line=line)
        return unit_id

    def _known_match(self, spelling: str, key: str, line: int) -> str | None:
        if not self._known or not spelling:
            return None
        found = self._index.resolve(spelling)
        if found is not None:
            return found
        owners = self._index.ambiguous.get(key)
        if owners:
            self._notes.append(
                Finding(
                    line,
                    "unit",
                    spelling,
                    f"{spelling!r} names several units of the unit table "
                    f"({', '.join(owners)}); read as {owners[0]!r}",
                    f"{spelling!r} là tên của nhiều đơn vị trong bảng đơn vị "
                    f"({', '.join(owners)}); được hiểu là {owners[0]!r}",
                    suggestion=self._known[owners[0]].name,
                )
            )
            return owners[0]
        return None

    def _near_match(self, spelling: str, key: str, line: int) -> str | None:
        mine, proper = _analyse(key), _proper_words(spelling)
        best: tuple[float, str, str] | None = None
        for other_key, unit_id, other in self._candidates:
            if other_key == key:
                continue
            if not _near(mine, _analyse(other_key), proper | _proper_words(other)):
                continue
            ratio = difflib.SequenceMatcher(None, key, other_key, autojunk=False).ratio()
            if best is None or ratio > best[0]:
                best = (ratio, unit_id, other)
        if best is None:
            return None
        _, unit_id, other = best
        like_line = self._key_lines.get(_key(other))
        self._typos[key] = _Typo(spelling, unit_id, other, like_line, [line])
        self._seen(unit_id, line)
        target = self._entries[unit_id]
        if key not in {_key(a) for a in (target.name, *target.aliases)}:
            target.aliases.append(_display(spelling))
        return unit_id

    # -- results

    def units(self, *, unused_known: bool = False) -> tuple[Unit, ...]:
        """The units resolved so far, in first-seen order.

        A new unit has the first spelling seen as its name and the spellings read as it
        by :func:`near_duplicate` as aliases (spellings that only differ in what
        :func:`~tuyentruyen.names.normalize_name` sees through are not listed). A known
        unit is returned as given, with such spellings added to its aliases. With
        ``unused_known``, the known units no name resolved to follow, as given.
        """
        out: list[Unit] = []
        for entry in self._entries.values():
            if entry.known is not None:
                extra = tuple(a for a in entry.aliases if a not in entry.known.aliases)
                out.append(attrs.evolve(entry.known, aliases=(*entry.known.aliases, *extra)))
            else:
                out.append(Unit(id=entry.id, name=entry.name, aliases=tuple(entry.aliases)))
        if unused_known:
            out += [u for u in self._known.values() if u.id not in self._entries]
        return tuple(out)

    def findings(self) -> list[Finding]:
        """Near-duplicates read as another unit (kind ``"unit"``), one per spelling.

        Each names the line the spelling was first seen on, the spelling it was taken
        for and where that was seen, and suggests that spelling.
        """
        out = list(self._notes)
        for typo in self._typos.values():
            where_en = "the unit table" if typo.like_line is None else f"line {typo.like_line}"
            where_vi = "bảng đơn vị" if typo.like_line is None else f"dòng {typo.like_line}"
            also_en = also_vi = ""
            if len(typo.lines) > 1:
                rest = ", ".join(str(n) for n in typo.lines[1:])
                plural = "s" if len(typo.lines) > 2 else ""
                also_en, also_vi = f" (also on line{plural} {rest})", f" (cũng ở dòng {rest})"
            out.append(
                Finding(
                    typo.lines[0],
                    "unit",
                    typo.spelling,
                    f"{typo.spelling!r} looks like {typo.like!r} ({where_en}); read as that "
                    f"unit - check the spelling{also_en}",
                    f"{typo.spelling!r} có vẻ là {typo.like!r} ({where_vi}); được hiểu là "
                    f"đơn vị đó - hãy kiểm tra chính tả{also_vi}",
                    suggestion=typo.like,
                )
            )
        return out


def _display(spelling: str) -> str:
    """A spelling as a unit name: "phòng Thông tin" -> "Phòng Thông tin"."""
    if spelling[:1].islower() and _starts_unit(spelling):
        return spelling[:1].upper() + spelling[1:]
    return spelling


# --- load_units_file ------------------------------------------------------------------

_UNIT_KEYS = ("id", "name", "short", "aliases")


def load_units_file(path: str | Path) -> tuple[Unit, ...]:
    """The units of a unit-table file, for ``tuyentruyen import --units FILE``.

    The file (``.json``, else YAML) is a plan file — only its ``units`` are read, so a
    file with nothing but ``units:`` will do —, a list of units ``{id, name, short?,
    aliases?}``, or a mapping ``id: name`` / ``id: {name, short?, aliases?}``. Raises
    :class:`~tuyentruyen.errors.PlanError` naming the file and, for each problem, the
    field path (``$.units[2].name``) and line.
    """
    p = Path(path)
    text = read_text_file(p)
    try:
        if p.suffix.lower() == ".json":
            data, lines = read_json(text), dict[str, int]()
        else:
            data, lines = read_yaml(text)
        return _units_from_data(data, lines)
    except PlanError as exc:
        raise PlanError(exc.problems, source=str(p)) from None


def _units_from_data(data: Any, lines: Mapping[str, int]) -> tuple[Unit, ...]:
    problems: list[Problem] = []

    def problem(path: str, en: str, vi: str) -> None:
        problems.append(Problem(path, en, vi, line=lines.get(path)))

    entries: list[tuple[str, Any, Any]] = []  # (path, id or None, value)
    if isinstance(data, Mapping) and ("units" in data or "schema" in data):
        table, base = data.get("units"), "$.units"
    else:
        table, base = data, "$"
    if isinstance(table, list):
        entries = [(f"{base}[{i}]", None, v) for i, v in enumerate(table)]
    elif isinstance(table, Mapping) and table is data:
        entries = [(f"{base}.{k}", k, v) for k, v in table.items()]
    else:
        found_en, found_vi = shown(table)
        problem(
            base,
            f"expected a list of units (found {found_en})",
            f"cần một danh sách đơn vị (đang là {found_vi})",
        )
    units: list[tuple[str, Unit]] = []
    for path, given_id, value in entries:
        unit = _unit_from(path, given_id, value, problem)
        if unit is not None:
            units.append((path, unit))
    if not entries and not problems:
        problem(base, "the file lists no units", "tệp không có đơn vị nào")
    seen_ids: dict[str, str] = {}
    seen_keys: dict[str, str] = {}
    for path, unit in units:
        if unit.id in seen_ids:
            problem(
                f"{path}.id",
                f"unit id {unit.id!r} is already used at {seen_ids[unit.id]}",
                f"mã đơn vị {unit.id!r} đã dùng ở {seen_ids[unit.id]}",
            )
        seen_ids.setdefault(unit.id, path)
        for name in (unit.name, *unit.aliases):
            owner = seen_keys.setdefault(_key(name), unit.id)
            if owner != unit.id:
                problem(
                    path,
                    f"{name!r} is also a name of unit {owner!r}",
                    f"{name!r} cũng là tên của đơn vị {owner!r}",
                )
    if problems:
        raise PlanError(problems)
    return tuple(unit for _, unit in units)


def _text_field(value: Any, path: str, problem: Any, *, required: bool) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        found_en, found_vi = shown(value)
        problem(path, f"expected text (found {found_en})", f"cần văn bản (đang là {found_vi})")
        return None
    return nfc(value)


def _unit_from(path: str, given_id: Any, value: Any, problem: Any) -> Unit | None:
    if given_id is not None and isinstance(value, str):
        value = {"name": value}
    if not isinstance(value, Mapping):
        found_en, found_vi = shown(value)
        problem(
            path,
            f"expected a unit {{id, name, short?, aliases?}} (found {found_en})",
            f"cần một đơn vị {{id, name, short?, aliases?}} (đang là {found_vi})",
        )
        return None
    ok = True
    for key in value:
        allowed = _UNIT_KEYS if given_id is None else _UNIT_KEYS[1:]
        if key not in allowed:
            problem(
                f"{path}.{key}",
                f"unknown key {key!r}; a unit has {', '.join(allowed)}",
                f"khóa {key!r} không hợp lệ; một đơn vị có {', '.join(allowed)}",
            )
            ok = False
    if given_id is None:
        unit_id = _text_field(value.get("id"), f"{path}.id", problem, required=True)
    else:
        unit_id = _text_field(given_id, path, problem, required=True)
    name = _text_field(value.get("name"), f"{path}.name", problem, required=True)
    short = _text_field(value.get("short"), f"{path}.short", problem, required=False)
    ok = ok and (short is not None or value.get("short") is None)
    raw_aliases = value.get("aliases", ())
    if isinstance(raw_aliases, str):
        raw_aliases = [raw_aliases]
    aliases: list[str] = []
    if isinstance(raw_aliases, list | tuple):
        for j, alias in enumerate(raw_aliases):
            text = _text_field(alias, f"{path}.aliases[{j}]", problem, required=True)
            ok = ok and text is not None
            if text is not None:
                aliases.append(text)
    else:
        found_en, found_vi = shown(raw_aliases)
        problem(
            f"{path}.aliases",
            f"expected a list of names (found {found_en})",
            f"cần một danh sách tên (đang là {found_vi})",
        )
        ok = False
    if not ok or unit_id is None or name is None:
        return None
    return Unit(id=unit_id, name=name, short=short, aliases=tuple(aliases))
