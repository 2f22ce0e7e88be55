"""Vietnamese name normalisation and unit matching.

Unit names arrive in NFC and NFD, with old-style (``Ủy``, ``hòa``) and new-style
(``Uỷ``, ``hoà``) tone placement, in any case, with different dashes and with
abbreviations. :func:`normalize_name` maps all of these to one comparison key;
:class:`NameIndex` matches names against a unit table and, when it cannot, reports the
closest candidates instead of guessing.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

__all__ = ["ABBREVIATIONS", "NameIndex", "nfc", "normalize_name"]

# Combining marks that carry the tone (dấu thanh). Vowel marks (circumflex, breve, horn)
# are part of the letter and stay where they are.
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")
_DASHES = re.compile(r"\s*[-\u2010\u2011\u2012\u2013\u2014\u2212]+\s*")
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"\w+", re.UNICODE)

#: Abbreviations expanded before comparing (keys compared case-insensitively).
ABBREVIATIONS: dict[str, str] = {
    "ubnd": "ủy ban nhân dân",
    "hđnd": "hội đồng nhân dân",
    "mttq": "mặt trận tổ quốc",
    "btgtu": "ban tuyên giáo tỉnh ủy",
    "btgtw": "ban tuyên giáo trung ương",
    "ct-xh": "chính trị - xã hội",
    "tt&tt": "thông tin và truyền thông",
    "ubmttq": "ủy ban mặt trận tổ quốc",
    "mttqvn": "mặt trận tổ quốc việt nam",
    "vh&tt": "văn hóa và thể thao",
    "vhtt&dl": "văn hóa, thể thao và du lịch",
    "tw": "trung ương",
}
_ABBREVIATION_PATTERNS = [
    (re.compile(rf"(?<!\w){re.escape(_DASHES.sub(' - ', short))}(?!\w)"), full)
    for short, full in ABBREVIATIONS.items()
]


def nfc(text: str) -> str:
    """``text`` in Unicode NFC with surrounding whitespace removed."""
    return unicodedata.normalize("NFC", text).strip()


def _canonical_tones(word: str) -> str:
    """Move the tone mark of a syllable to its end, so both tone styles agree."""
    decomposed = unicodedata.normalize("NFD", word)
    tones = [c for c in decomposed if c in _TONES]
    if not tones:
        return decomposed
    return "".join(c for c in decomposed if c not in _TONES) + "".join(tones)


def _expand(text: str) -> str:
    for pattern, full in _ABBREVIATION_PATTERNS:
        text = pattern.sub(full, text)
    return text


def normalize_name(name: str) -> str:
    """The comparison key of a Vietnamese name.

    NFC, case-folded, one tone style, abbreviations expanded, dashes and spaces unified,
    trailing punctuation dropped. Two spellings of the same unit give the same key.

    >>> normalize_name("Ủy ban MTTQ") == normalize_name("UỶ BAN MẶT TRẬN TỔ QUỐC")
    True
    """
    text = _DASHES.sub(" - ", unicodedata.normalize("NFC", name).casefold())
    text = _expand(_SPACES.sub(" ", text).strip(" .,;:"))
    text = _WORD.sub(lambda m: _canonical_tones(m.group(0)), unicodedata.normalize("NFC", text))
    return unicodedata.normalize("NFC", text)


class NameIndex:
    """Match unit names and ids against a unit table.

    Built from ``(unit_id, names)`` pairs; :meth:`resolve` accepts an id or any name or
    alias in any normal form and returns the unit id, or ``None``.
    """

    def __init__(self, entries: Iterable[tuple[str, Iterable[str]]]) -> None:
        self._ids: dict[str, str] = {}
        self._keys: dict[str, str] = {}
        self._display: dict[str, str] = {}
        #: Comparison keys that name more than one unit: never resolved, always reported.
        self.ambiguous: dict[str, tuple[str, ...]] = {}
        for unit_id, names in entries:
            self._ids[unit_id] = unit_id
            self._ids.setdefault(nfc(unit_id), unit_id)
            self._ids.setdefault(nfc(unit_id).casefold(), unit_id)
            for name in names:
                key = normalize_name(name)
                owner = self._keys.setdefault(key, unit_id)
                if owner != unit_id:
                    known = self.ambiguous.get(key, (owner,))
                    if unit_id not in known:
                        self.ambiguous[key] = (*known, unit_id)
                self._display.setdefault(key, nfc(name))

    def resolve(self, ref: str) -> str | None:
        """The unit id that ``ref`` (an id, name or alias) names, or ``None``."""
        found = self._ids.get(ref)
        if found is not None:
            return found
        found = self._ids.get(nfc(ref)) or self._ids.get(nfc(ref).casefold())
        if found is not None:
            return found
        key = normalize_name(ref)
        if key in self.ambiguous:
            return None
        return self._keys.get(key)

    def closest(self, ref: str, n: int = 3) -> tuple[str, ...]:
        """Up to ``n`` known names (or ids) closest to ``ref``, best first."""
        key = normalize_name(ref)
        keys = difflib.get_close_matches(key, list(self._keys), n=n, cutoff=0.6)
        if keys:
            return tuple(self._display[k] for k in keys)
        return tuple(difflib.get_close_matches(nfc(ref), list(self._ids), n=n, cutoff=0.6))
