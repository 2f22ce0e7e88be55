"""Cell text and colours: what any string goes through before it is written.

A cell of an ``.xlsx`` file is XML 1.0 text, which cannot hold most C0 control
characters, lone surrogates or U+FFFE/U+FFFF; Excel also reads ``_xHHHH_`` in a cell
as an escaped character and stops at 32,767 characters. :func:`clean_text` turns any
Python string into a text that Excel shows as written:

>>> clean_text("Kế hoạch\\x00 số 1\\r\\nđợt 2")
'Kế hoạch số 1\\nđợt 2'
>>> clean_text("_x0041_")
'_x005F_x0041_'
"""

from __future__ import annotations

import re

__all__ = ["MAX_CELL", "clean_text", "font_colour", "text_width"]

#: The most characters a cell holds (Excel's limit); longer texts are cut, ending "…".
MAX_CELL = 32_767

# Not allowed in XML 1.0 (tab and line feed are; carriage returns become line feeds).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Excel decodes _xHHHH_ in cell text; a literal one is written with its "_" escaped.
_ESCAPE_LIKE = re.compile("_(?=x[0-9A-Fa-f]{4}_)")


def clean_text(text: str) -> str:
    """``text`` as a cell can hold it, unchanged when it already can.

    - carriage returns: ``\\r\\n`` and ``\\r`` become ``\\n`` (the line break of a cell);
    - control characters other than tab and line feed, lone surrogates, U+FFFE and
      U+FFFF are removed (XML 1.0 cannot hold them);
    - a literal ``_xHHHH_`` gets its underscore escaped (``_x005F_``), so Excel shows
      it as written instead of decoding it;
    - a text longer than 32,767 characters is cut and ends with "…".

    Everything else (Vietnamese in NFC or any other form, quotes, ``<``, a leading
    ``=``) is kept exactly.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _ILLEGAL.search(text):
        text = _ILLEGAL.sub("", text)
    if "_x" in text:
        text = _ESCAPE_LIKE.sub("_x005F_", text)
    if len(text) > MAX_CELL:
        text = text[: MAX_CELL - 1] + "…"
    return text


def text_width(text: str) -> int:
    """How many characters wide ``text`` is: its longest line."""
    if "\n" not in text:
        return len(text)
    return max(len(line) for line in text.split("\n"))


def _luminance(rgb: str) -> float:
    """Relative luminance (WCAG 2) of ``"#rrggbb"``."""
    channels = []
    for k in (1, 3, 5):
        c = int(rgb[k : k + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
    r, g, b = channels
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def font_colour(fill: str) -> str:
    """The font colour, ``"#ffffff"`` or ``"#000000"``, with more contrast on ``fill``.

    >>> font_colour("#2e7d32"), font_colour("#ef6c00")
    ('#ffffff', '#000000')
    """
    lum = _luminance(fill)
    on_white = 1.05 / (lum + 0.05)
    on_black = (lum + 0.05) / 0.05
    return "#ffffff" if on_white >= on_black else "#000000"
