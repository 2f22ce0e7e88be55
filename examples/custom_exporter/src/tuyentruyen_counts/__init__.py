"""A tiny exporter plugin for tuyentruyen: how many tasks are in each classification.

``tuyentruyen export PLAN --db plan.db --format counts -o counts.txt --at 2023-10-31``
writes a text file such as::

    Thông tin tuyên truyền Kỷ niệm 60 năm ... (qn-60-nam) — 31/10/2023
    chưa thực hiện	9
    đang thực hiện trong hạn	3
    ...
    Tổng số	17
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from tuyentruyen import hookimpl
from tuyentruyen.export import selected
from tuyentruyen.status import Classification

__version__ = "0.1.0"


class CountsExporter:
    """Tasks per official classification, one ``label<TAB>count`` line each."""

    suffix = ".txt"

    def export(self, tracker: Any, path: str, options: Mapping[str, Any]) -> None:
        at: datetime = options["at"]
        lang: str = options.get("lang", "vi")
        # `selected` applies the --unit filter, as every built-in format does.
        counts = Counter(st.classification for st in selected(tracker, options))
        lines = [f"{tracker.plan.title} ({tracker.plan.id}) — {at:%d/%m/%Y}"]
        lines += [f"{c.label(lang)}\t{counts[c]}" for c in Classification]
        lines.append(f"{'Tổng số' if lang == 'vi' else 'Total'}\t{counts.total()}")
        Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


@hookimpl
def register_exporters(register: Callable[[str, Any], None]) -> None:
    """Offer the ``counts`` format."""
    register("counts", CountsExporter())
