"""Unit-name generators behind :func:`tuyentruyen.testing.strategies.unit_names`.

The vocabulary is finite: every base name is one NFC spelling, one tone style per
syllable, no abbreviation, so two different base names are two different units (a test
checks this on the whole vocabulary). Spellings are derived from a name by the
transformations :mod:`tuyentruyen.names` promises to see through.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from hypothesis import strategies as st

#: Places, as written after a unit's kind: "tỉnh Quảng Ninh", "huyện Vân Đồn", …
PLACES: tuple[str, ...] = (
    "tỉnh Quảng Ninh",
    "thành phố Hạ Long",
    "thành phố Cẩm Phả",
    "thành phố Uông Bí",
    "thành phố Móng Cái",
    "thị xã Quảng Yên",
    "thị xã Đông Triều",
    "huyện Vân Đồn",
    "huyện Cô Tô",
    "huyện Tiên Yên",
    "huyện Bình Liêu",
    "huyện Hải Hà",
    "huyện Đầm Hà",
    "huyện Ba Chẽ",
)

#: Departments of a provincial propaganda board and similar bodies ("Phòng …").
_DEPARTMENTS = (
    "Tuyên truyền - Báo chí - Xuất bản",
    "Thông tin - Tổng hợp",
    "Văn hóa và Dư luận xã hội",
    "Lý luận chính trị và Lịch sử Đảng",
    "Khoa giáo",
    "Văn hóa và Thông tin",
    "Giáo dục và Đào tạo",
)
#: Provincial departments ("Sở …").
_SECTORS = (
    "Thông tin và Truyền thông",
    "Văn hóa và Thể thao",
    "Giáo dục và Đào tạo",
    "Du lịch",
    "Tài nguyên và Môi trường",
    "Nông nghiệp và Phát triển nông thôn",
    "Lao động - Thương binh và Xã hội",
)
#: Boards of the provincial Party committee ("Ban …").
_BOARDS = (
    "Tuyên giáo Tỉnh ủy",
    "Dân vận Tỉnh ủy",
    "Tổ chức Tỉnh ủy",
    "Nội chính Tỉnh ủy",
)
#: Associations ("Hội …"), followed by a place.
_ASSOCIATIONS = (
    "Nhà báo",
    "Văn học nghệ thuật",
    "Liên hiệp Phụ nữ",
    "Cựu chiến binh",
    "Nông dân",
    "Khuyến học",
)
#: Centres ("Trung tâm …"), followed by a place.
_CENTRES = (
    "Truyền thông",
    "Văn hóa - Thông tin",
    "Văn hóa - Thể thao",
    "Hòa giải cơ sở",
    "Thủy sản",
)
#: Committees and offices that go straight before a place.
_BEFORE_PLACE = (
    "Các tổ chức chính trị - xã hội",
    "Ủy ban nhân dân",
    "Hội đồng nhân dân",
    "Ủy ban Mặt trận Tổ quốc",
    "Văn phòng Ủy ban nhân dân",
    "Văn phòng Hội đồng nhân dân",
    "Đài Truyền thanh",
)
#: Names that stand alone.
_STANDALONE = (
    "Văn phòng Tỉnh ủy",
    "Báo Quảng Ninh",
    "Trung tâm Truyền thông tỉnh",
    "Ban Tuyên giáo Tỉnh ủy",
    "Văn phòng Ban Tuyên giáo Tỉnh ủy",
    "Các phòng chuyên môn Ban Tuyên giáo Tỉnh ủy",
    "Ban Tuyên giáo Trung ương",
    "Văn phòng Ban Tuyên giáo Trung ương",
    "Bộ Thông tin và Truyền thông",
    "Văn phòng Sở Thông tin và Truyền thông",
    "Thanh tra Sở Thông tin và Truyền thông",
    "Các tổ chức chính trị - xã hội tỉnh",
    "Ủy ban Mặt trận Tổ quốc và các tổ chức chính trị - xã hội tỉnh",
    "Đoàn Thanh niên Cộng sản Hồ Chí Minh tỉnh",
)


def all_base_names() -> tuple[str, ...]:
    """Every name :func:`base_names` can give, in its shrinking order (first is simplest)."""
    names = [f"Phòng {d}" for d in _DEPARTMENTS]
    names += [f"Sở {s}" for s in _SECTORS]
    names += [f"Sở {s} {p}" for s in _SECTORS for p in PLACES if p.startswith("tỉnh")]
    names += [f"Ban {b}" for b in _BOARDS if f"Ban {b}" not in _STANDALONE]
    names += [f"Hội {a} {p}" for a in _ASSOCIATIONS for p in (*PLACES, "tỉnh")]
    names += [f"Trung tâm {c} {p}" for c in _CENTRES for p in PLACES]
    names += [f"{k} {p}" for k in _BEFORE_PLACE for p in (*PLACES, "tỉnh")]
    names += list(_STANDALONE)
    return tuple(dict.fromkeys(names))


_KINDS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("Phòng", _DEPARTMENTS, ("",)),
    ("Sở", _SECTORS, ("", *(p for p in PLACES if p.startswith("tỉnh")))),
    ("Ban", tuple(b for b in _BOARDS if f"Ban {b}" not in _STANDALONE), ("",)),
    ("Hội", _ASSOCIATIONS, (*PLACES, "tỉnh")),
    ("Trung tâm", _CENTRES, PLACES),
)


def _join(*parts: str) -> str:
    return " ".join(p for p in parts if p)


def base_names() -> st.SearchStrategy[str]:
    """Canonical realistic names (NFC, old-style tones, no abbreviations)."""
    strategies: list[st.SearchStrategy[str]] = [
        st.builds(_join, st.just(kind), st.sampled_from(topics), st.sampled_from(places))
        for kind, topics, places in _KINDS
    ]
    strategies.append(
        st.builds(_join, st.sampled_from(_BEFORE_PLACE), st.sampled_from((*PLACES, "tỉnh")))
    )
    strategies.append(st.sampled_from(_STANDALONE))
    return st.one_of(strategies)


# --- spellings -------------------------------------------------------------------------

_TONE = "[\u0300\u0301\u0303\u0309\u0323]"
# In NFD: an open syllable ending in oa/oe/uy (not "qu"+y), tone on the first vowel
# (old style, "hóa") or on the second (new style, "hoá").
_TONE_PLACES = re.compile(rf"(?<![qQ])([oOuU])(?:({_TONE})([aAeEyY])|([aAeEyY])({_TONE}))(?!\w)")


def swap_tone_style(text: str) -> str:
    """``text`` with each "hóa"/"hoá", "thủy"/"thuỷ", "Ủy"/"Uỷ" spelled the other way."""
    nfd = unicodedata.normalize("NFD", text)
    out: list[str] = []
    pos = 0
    for m in _TONE_PLACES.finditer(nfd):
        out.append(nfd[pos : m.start()])
        if m.group(2):
            out.append(m.group(1) + m.group(3) + m.group(2))
        else:
            out.append(m.group(1) + m.group(5) + m.group(4))
        pos = m.end()
    out.append(nfd[pos:])
    return unicodedata.normalize("NFC", "".join(out))


#: Full forms and the abbreviations :data:`tuyentruyen.names.ABBREVIATIONS` expands.
_ABBREVIATE = (
    ("Ban Tuyên giáo Tỉnh ủy", ("BTGTU",)),
    ("Ban Tuyên giáo Trung ương", ("BTGTW",)),
    ("Ủy ban nhân dân", ("UBND", "ubnd")),
    ("Hội đồng nhân dân", ("HĐND",)),
    ("Mặt trận Tổ quốc", ("MTTQ",)),
    ("Thông tin và Truyền thông", ("TT&TT",)),
    ("chính trị - xã hội", ("CT-XH", "CT–XH")),
)


def _full_pattern(full: str) -> re.Pattern[str]:
    spellings = {full, swap_tone_style(full)}
    alternatives = "|".join(re.escape(s) for s in sorted(spellings))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


_ABBREVIATION_PATTERNS = tuple((_full_pattern(full), shorts) for full, shorts in _ABBREVIATE)

_DASH = re.compile(r"\s*-\s*")
_DASH_SPELLINGS = ("-", " - ", "–", " – ", " — ", "—", " \u2212 ", "  -  ")


def _case_safe(text: str, change: Callable[[str], str]) -> bool:
    """Whether changing the case of ``text`` keeps its case-folded form."""
    return change(text).casefold() == text.casefold()


@st.composite
def spellings_of(draw: st.DrawFn, name: str) -> str:
    """A spelling of ``name`` that means the same unit; the first choice of every step
    keeps the name as it is, so the strategy shrinks to ``name`` itself."""
    text = unicodedata.normalize("NFC", name).strip()
    for pattern, shorts in _ABBREVIATION_PATTERNS:
        if pattern.search(text) and draw(st.booleans()):
            short = draw(st.sampled_from(shorts))
            text = pattern.sub(short, text)
    if draw(st.booleans()):
        text = swap_tone_style(text)
    if _DASH.search(text) and draw(st.booleans()):
        dash = draw(st.sampled_from(_DASH_SPELLINGS))
        text = _DASH.sub(dash, text)
    if draw(st.booleans()):
        runs = st.sampled_from((" ", "  ", "\t", " \u00a0"))
        words = text.split(" ")
        text = words[0] + "".join(draw(runs) + w for w in words[1:])
    cases: list[Callable[[str], str]] = [
        c for c in (str.upper, str.lower, str.title) if _case_safe(text, c)
    ]
    if len(cases) > 0 and draw(st.booleans()):
        text = draw(st.sampled_from(cases))(text)
    if draw(st.booleans()):
        text = draw(st.sampled_from(("", " ", "  ", "\t"))) + text
        text += draw(st.sampled_from(("", ".", " ", ";", " .", ":")))
    if draw(st.booleans()):
        text = unicodedata.normalize("NFD", text)
    return text
