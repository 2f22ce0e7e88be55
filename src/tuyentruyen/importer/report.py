"""The import report: every fragment the importer left unused, guessed or could not read.

A :class:`Finding` names the source line (1-based, ``None`` when the fragment has no
line), what kind of finding it is, the text concerned and a message in English and
Vietnamese. An :class:`ImportReport` collects them in line order.

>>> f = Finding(57, "unit", "Phòng Văn hóa và Du lịch xã hội", "looks like a typo",
...             "có thể là lỗi chính tả", suggestion="Phòng Văn hóa và Dư luận xã hội")
>>> f.render("en")
"line 57: looks like a typo (suggestion: 'Phòng Văn hóa và Dư luận xã hội')"
>>> ImportReport((f,)).counts()
{'unit': 1}
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator

import attrs

__all__ = ["KINDS", "MINOR_KINDS", "Finding", "ImportReport"]

#: Kinds of findings, with what they mean.
KINDS: dict[str, str] = {
    "unused": "a line of the document that went into no field of the plan",
    "guess": "a value the importer inferred rather than read from a labelled place",
    "phrase": "a time phrase the parser refused; kept verbatim, no date set",
    "unit": "a unit name that looks like a typo of another one",
    "missing": "a field the document does not give (a task without lead, no title...)",
    "duplicate": "a task number seen twice",
    "note": "information only: something the importer did on purpose",
}

#: Kinds that do not make an import "with warnings" (exit status stays 0).
MINOR_KINDS: frozenset[str] = frozenset({"note"})


@attrs.frozen
class Finding:
    """One thing the importer wants a person to look at.

    Attributes:
        line: 1-based line of the source document, or ``None``.
        kind: ``"unused"``, ``"guess"``, ``"phrase"``, ``"unit"``, ``"missing"``,
            ``"duplicate"`` or ``"note"`` (see :data:`KINDS`).
        text: the source fragment concerned, as written.
        message: what happened, in English.
        message_vi: the same in Vietnamese.
        suggestion: what the fragment probably means, if the importer has an idea.
    """

    line: int | None
    kind: str
    text: str
    message: str
    message_vi: str
    suggestion: str | None = None

    def render(self, lang: str = "vi") -> str:
        """One line for a person: ``"dòng 57: …"`` or ``"line 57: …"``."""
        body = self.message_vi if lang == "vi" else self.message
        if self.suggestion:
            hint = "gợi ý" if lang == "vi" else "suggestion"
            body = f"{body} ({hint}: {self.suggestion!r})"
        if self.line is None:
            return body
        where = "dòng" if lang == "vi" else "line"
        return f"{where} {self.line}: {body}"


def _order(finding: Finding) -> tuple[int, int]:
    return (0 if finding.line is None else 1, finding.line or 0)


def _sorted(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    return tuple(sorted(findings, key=_order))


@attrs.frozen
class ImportReport:
    """The findings of one import, sorted by line (findings without a line first).

    Attributes:
        findings: the findings.
        source: the document's name (file path) when known.
        fmt: the format that was read (``"markdown"``, ``"text"`` or ``"docx"``).
    """

    findings: tuple[Finding, ...] = attrs.field(default=(), converter=_sorted)
    source: str | None = None
    fmt: str | None = None

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)

    def of_kind(self, kind: str) -> tuple[Finding, ...]:
        """The findings of ``kind``."""
        return tuple(f for f in self.findings if f.kind == kind)

    def counts(self) -> dict[str, int]:
        """Number of findings per kind."""
        return dict(Counter(f.kind for f in self.findings))

    @property
    def warnings(self) -> tuple[Finding, ...]:
        """The findings that matter (not of a minor kind such as ``"note"``)."""
        return tuple(f for f in self.findings if f.kind not in MINOR_KINDS)

    def lines(self, lang: str = "vi") -> list[str]:
        """The report as lines for a person."""
        return [f.render(lang) for f in self.findings]

    def extended(self, more: Iterable[Finding]) -> ImportReport:
        """A report with ``more`` findings added."""
        return attrs.evolve(self, findings=(*self.findings, *more))
