"""sign() and verify_signature(): what a sender signs verifies; any change does not."""

from __future__ import annotations

import doctest
import hashlib
import hmac
import time

import pytest
import tuyentruyen_webhook
from hypothesis import given
from hypothesis import strategies as st
from tuyentruyen_webhook import sign, verify_signature

secrets = st.one_of(st.binary(min_size=1, max_size=64), st.text(min_size=1, max_size=32))
timestamps = st.integers(min_value=0, max_value=10**12)


@given(body=st.binary(max_size=512), secret=secrets, ts=timestamps)
def test_a_signature_made_by_the_sender_verifies(body: bytes, secret: str | bytes, ts: int) -> None:
    header = sign(secret, ts, body)
    assert verify_signature(secret, str(ts), body, header, now=ts)
    assert verify_signature(secret, ts, body, header, now=ts + 300)
    assert verify_signature(
        secret, str(ts), body, header.upper().replace("SHA256=", "sha256="), now=ts
    )


@given(
    body=st.binary(min_size=1, max_size=512),
    secret=secrets,
    ts=timestamps,
    data=st.data(),
)
def test_flipping_any_byte_of_the_body_fails(
    body: bytes, secret: str | bytes, ts: int, data: st.DataObject
) -> None:
    header = sign(secret, ts, body)
    index = data.draw(st.integers(min_value=0, max_value=len(body) - 1), label="index")
    bits = data.draw(st.integers(min_value=1, max_value=255), label="xor")
    changed = bytearray(body)
    changed[index] ^= bits
    assert not verify_signature(secret, str(ts), bytes(changed), header, now=ts)


@given(body=st.binary(max_size=256), secret=secrets, other=secrets, ts=timestamps)
def test_another_secret_or_timestamp_fails(
    body: bytes, secret: str | bytes, other: str | bytes, ts: int
) -> None:
    header = sign(secret, ts, body)
    key = secret.encode() if isinstance(secret, str) else secret
    other_key = other.encode() if isinstance(other, str) else other
    if key != other_key:
        assert not verify_signature(other, str(ts), body, header, now=ts)
    assert not verify_signature(secret, str(ts + 1), body, header, now=ts)


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    body = '{"id":"qn-60-nam/event/1","subject":"Nhiệm vụ"}'.encode()
    expected = hmac.new(b"secret", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert sign("secret", 1700000000, body) == f"sha256={expected}"
    assert sign(b"secret", "1700000000", body) == f"sha256={expected}"


@pytest.mark.parametrize(
    ("timestamp", "now", "tolerance", "ok"),
    [
        ("1700000000", 1700000000, 300, True),
        ("1700000000", 1700000300, 300, True),
        ("1700000000", 1700000301, 300, False),  # stale: a replay
        ("1700000000", 1699999699, 300, False),  # too far in the future
        ("1700000000", 1700003000, 3600, True),
    ],
)
def test_stale_timestamps_are_refused(timestamp: str, now: int, tolerance: int, ok: bool) -> None:
    body = b"{}"
    header = sign("k", int(timestamp), body)
    assert verify_signature("k", timestamp, body, header, tolerance=tolerance, now=now) is ok


def test_the_current_time_is_the_default() -> None:
    now = int(time.time())
    assert verify_signature("k", str(now), b"x", sign("k", now, b"x"))
    assert not verify_signature("k", str(now - 3600), b"x", sign("k", now - 3600, b"x"))


@pytest.mark.parametrize(
    ("timestamp", "header"),
    [
        (None, None),
        ("", None),
        ("abc", None),
        ("-5", None),
        ("1_700_000_000", None),
        ("١٧٠٠٠٠٠٠٠٠", None),  # non-ASCII digits
        ("1700000000", ""),
        ("1700000000", "sha1=abc"),
        ("1700000000", "sha256=ỏ"),
    ],
)
def test_malformed_input_is_false_not_an_error(timestamp: str | None, header: str | None) -> None:
    """``header=None``: the right signature of ``b"x"`` at 1700000000."""
    if header is None:
        header = sign("k", 1700000000, b"x")
    assert not verify_signature("k", timestamp, b"x", header, now=1700000000)


def test_several_signatures_in_one_header() -> None:
    good = sign("new", 1700000000, b"x")
    header = f"sha256={'0' * 64}, {good}"
    assert verify_signature("new", "1700000000", b"x", header, now=1700000000)


def test_sign_refuses_a_bad_timestamp() -> None:
    with pytest.raises(ValueError, match="non-negative integer"):
        sign("k", -1, b"x")


def test_docstring_examples() -> None:
    result = doctest.testmod(tuyentruyen_webhook)
    assert result.attempted >= 4
    assert result.failed == 0
