"""The options of the ``docx`` export, the issuing body's kind and the header names."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from tuyentruyen.export import ExportError
from tuyentruyen.model import Plan
from tuyentruyen.timeexpr import as_local

__all__ = [
    "BODIES",
    "OPTIONS",
    "DocxOptionError",
    "ReportOptions",
    "detect_body",
    "symbol_of",
]

#: The two layouts: a Party body (Hướng dẫn 36-HD/VPTW) or a state body (Nghị định
#: 30/2020/NĐ-CP).
BODIES = ("party", "state")

#: The format's own options (``-O KEY=VALUE``), with what each means.
OPTIONS: Mapping[str, str] = {
    "body": "party | state: the layout (default: from the plan's issuer)",
    "place": "the place of the date line (default: the plan's place)",
    "date": "dd/mm/yyyy: the date of the date line (default: the day of --at)",
    "number": "the report's number, e.g. 12 or 12-BC/BTGTU (default: left blank)",
    "superior": "the superior body's line of the header ('' for none)",
    "signer_title": "the signer's title (default: the plan's signer)",
    "signer_name": "the signer's name (default: the plan's signer)",
    "reports": "how many latest reports to quote per task (default: 1)",
}
#: Keys every exporter receives from the core.
_CORE_KEYS = frozenset({"at", "unit", "lang"})


class DocxOptionError(ExportError):
    """An option of the ``docx`` export has a value it cannot use; ``option`` names it."""

    def __init__(self, option: str, en: str, vi: str) -> None:
        super().__init__(
            f"docx export, option {option}: {en}", f"xuất docx, tùy chọn {option}: {vi}"
        )
        self.option = option


def _fold(text: str) -> str:
    """Lower case NFC, with the old accent placement "uỷ" written "ủy"."""
    return unicodedata.normalize("NFC", text).casefold().replace("uỷ", "ủy")


# A Party committee or organisation in a unit's name: Tỉnh ủy, Thành ủy, Huyện ủy, Quận
# ủy, Thị ủy, Đảng ủy (also "Ban ... Tỉnh ủy"), Đảng bộ, Chi bộ, and the central bodies.
# "Ủy ban nhân dân" has "ủy" but no committee word before it: a state body.
_PARTY_NAME = re.compile(
    r"\b(?:tỉnh|thành|huyện|quận|thị|đảng|xã|phường|khối)\s+ủy\b"
    r"|\bđảng\s+bộ\b|\bchi\s+bộ\b|\bban\s+chấp\s+hành\s+trung\s+ương\b"
    r"|\bbộ\s+chính\s+trị\b|\bban\s+bí\s+thư\b"
)
# Party numbering puts the number before the type: "76-KH/BTGTU"; state numbering after
# a slash: "19/KH-UBND".
_PARTY_REFERENCE = re.compile(r"\s*\d+[a-z]?\s*-\s*[A-ZĐ]{1,8}\s*/\s*\S+")


def detect_body(plan: Plan) -> str:
    """``"party"`` when the plan's issuer is a Party body (its name holds a Party
    committee: Tỉnh ủy, Thành ủy, Huyện ủy, Đảng ủy, Đảng bộ, "Ban ... Tỉnh ủy") or the
    plan's number is Party numbering ("76-KH/BTGTU"); else ``"state"``.

    >>> from tuyentruyen import Plan, Unit
    >>> detect_body(Plan("p", "t", "b", [Unit("b", "Ban Tuyên giáo Tỉnh ủy")], []))
    'party'
    >>> state = Unit("u", "Ủy ban nhân dân tỉnh")
    >>> detect_body(Plan("p", "t", "u", [state], [], reference="19/KH-UBND"))
    'state'
    """
    if _PARTY_NAME.search(_fold(plan.unit_name(plan.issuer))):
        return "party"
    if plan.reference and _PARTY_REFERENCE.fullmatch(plan.reference):
        return "party"
    return "state"


def _initials(name: str) -> str:
    """The initials of ``name``'s words, without diacritics but Đ: "Ban Tuyên giáo Tỉnh
    ủy" -> "BTGTU"."""
    letters = []
    for word in name.split():
        first = word[0].upper()
        if first != "Đ":
            first = unicodedata.normalize("NFD", first)[0]
        if first.isalpha():
            letters.append(first)
    return "".join(letters)


def symbol_of(plan: Plan, body: str) -> str:
    """The issuer's abbreviation in a document number (*ký hiệu*): the issuer's short
    name, else the one of the plan's own number ("76-KH/BTGTU" -> "BTGTU", "19/KH-UBND"
    -> "UBND"), else the initials of its name."""
    unit = plan.unit_index.get(plan.issuer)
    if unit is not None and unit.short:
        return unit.short
    if plan.reference:
        tail = plan.reference.rsplit("/" if body == "party" else "-", 1)
        if len(tail) == 2 and tail[1].strip():
            return tail[1].strip()
    return _initials(plan.unit_name(plan.issuer)) or plan.issuer.upper()


def _superior(plan: Plan, body: str, place: str) -> str:
    """The superior body's line: the Party organisation a committee belongs to
    ("ĐẢNG BỘ TỈNH QUẢNG NINH" for a Tỉnh ủy or one of its Ban), or the province's
    People's Committee over a state department ("UBND TỈNH QUẢNG NINH"); empty when it
    cannot be told."""
    if not place:
        return ""
    name = _fold(plan.unit_name(plan.issuer))
    if body == "party":
        for committee, level in (
            ("tỉnh ủy", "TỈNH"),
            ("thành ủy", "THÀNH PHỐ"),
            ("huyện ủy", "HUYỆN"),
            ("quận ủy", "QUẬN"),
            ("thị ủy", "THỊ XÃ"),
        ):
            if committee in name:
                return f"ĐẢNG BỘ {level} {place.upper()}"
        return ""
    if name.startswith(("ủy ban nhân dân", "ubnd")):
        return ""
    return f"UBND TỈNH {place.upper()}"


_DMY = re.compile(r"\s*(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})\s*")


@dataclass(frozen=True)
class ReportOptions:
    """Everything the report depends on besides the tracker, checked."""

    at: datetime
    unit: str | None
    lang: str
    body: str
    place: str
    day: date
    number: str
    superior: str
    issuer_name: str
    symbol: str
    signer_title: str
    signer_name: str
    reports: int

    @classmethod
    def read(cls, plan: Plan, options: Mapping[str, Any]) -> ReportOptions:
        """Check the export's ``options`` against ``plan``; raises
        :class:`DocxOptionError` naming the first bad option."""
        unknown = sorted(str(k) for k in options if k not in OPTIONS and k not in _CORE_KEYS)
        if unknown:
            known = ", ".join(OPTIONS)
            raise DocxOptionError(
                unknown[0],
                f"unknown option; the options are {known}",
                f"không có tùy chọn này; các tùy chọn là {known}",
            )
        at = options["at"]
        if not isinstance(at, datetime):
            raise DocxOptionError("at", "must be a datetime", "phải là một thời điểm (datetime)")
        local = as_local(at)
        lang = "en" if options.get("lang") == "en" else "vi"
        body = _text(options, "body").lower() or detect_body(plan)
        if body not in BODIES:
            raise DocxOptionError(
                "body",
                f"{options['body']!r} is not party or state",
                f"{options['body']!r} không phải party (cơ quan Đảng) hay state (cơ quan nhà nước)",
            )
        place = _text(options, "place") or (plan.place or "")
        signer = plan.signer
        superior = (
            _text(options, "superior") if "superior" in options else _superior(plan, body, place)
        )
        return cls(
            at=local,
            unit=options.get("unit") or None,
            lang=lang,
            body=body,
            place=place,
            day=_date(options, local.date()),
            number=_text(options, "number"),
            superior=superior,
            issuer_name=plan.unit_name(plan.issuer),
            symbol=symbol_of(plan, body),
            signer_title=_text(options, "signer_title") or (signer.title if signer else ""),
            signer_name=_text(options, "signer_name") or (signer.name if signer else ""),
            reports=_count(options),
        )


def _text(options: Mapping[str, Any], key: str) -> str:
    value = options.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise DocxOptionError(key, "must be a text", "phải là một chuỗi ký tự")
    return unicodedata.normalize("NFC", value.strip())


def _date(options: Mapping[str, Any], default: date) -> date:
    text = _text(options, "date")
    if not text:
        return default
    found = _DMY.fullmatch(text)
    if found is not None:
        day, month, year = (int(g) for g in found.groups())
        try:
            return date(year, month, day)
        except ValueError:
            pass
    raise DocxOptionError(
        "date",
        f"{text!r} is not a date written dd/mm/yyyy, e.g. 15/09/2023",
        f"{text!r} không phải là ngày dạng dd/mm/yyyy, ví dụ 15/09/2023",
    )


def _count(options: Mapping[str, Any]) -> int:
    text = _text(options, "reports")
    if not text:
        return 1
    if text.isascii() and text.isdigit() and int(text) <= 1000:
        return int(text)
    raise DocxOptionError(
        "reports",
        f"{text!r} is not a whole number from 0 to 1000",
        f"{text!r} không phải là số nguyên từ 0 đến 1000",
    )
