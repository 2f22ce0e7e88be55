"""The hash chain's canonical encoding: the fast writer equals its JSON definition."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from tuyentruyen.store.sql import _canonical, _canonical_by_json

text = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)  # any valid Unicode
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=8,
)


@given(
    plan_id=text, seq=st.integers(min_value=1, max_value=10**12), task=text, event=text,
    source=text, dest=text, actor=text, at=text, note=st.none() | text,
    data=st.dictionaries(text, json_values, max_size=4), final=st.sampled_from([None, True, False]),
)  # fmt: skip
def test_the_fast_encoding_is_byte_for_byte_the_json_definition(**fields: Any) -> None:
    fast = _canonical(**fields)
    assert fast == _canonical_by_json(**fields)
    decoded = json.loads(fast)
    assert list(decoded) == sorted(decoded)  # sorted keys, as documented
    assert decoded["seq"] == fields["seq"]
    assert decoded["note"] == fields["note"]


def test_escapes_match_json_for_quotes_backslashes_and_control_characters() -> None:
    tricky = 'a"b\\c\n\t\x00\x1f\u2028 Quảng Ninh'
    args: dict[str, Any] = {
        "plan_id": tricky, "seq": 7, "task": tricky, "event": "report", "source": "in_progress",
        "dest": "reported", "actor": tricky, "at": "2025-03-01T09:00:00+07:00", "note": tricky,
        "data": {tricky: [1, 2.5, None]}, "final": True,
    }  # fmt: skip
    assert _canonical(**args) == _canonical_by_json(**args)
    assert b"\\u0000" in _canonical(**args)
    assert "Quảng".encode() in _canonical(**args)
