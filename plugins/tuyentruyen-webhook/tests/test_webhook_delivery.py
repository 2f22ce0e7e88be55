"""send() against a real HTTP server on 127.0.0.1: signatures, UTF-8, retries, timeouts."""

from __future__ import annotations

import gc
import json
import logging
import socket
import threading
import time
from typing import Any

import pytest
from tuyentruyen_webhook import (
    HEADER_ID,
    HEADER_SIGNATURE,
    HEADER_TIMESTAMP,
    WebhookError,
    WebhookNotifier,
    verify_signature,
)
from webhook_testing import SECRET, Received, Receiver, Reply, message


def genuine(request: Received, secret: str | bytes = SECRET, body: bytes | None = None) -> bool:
    """What a receiver checks before trusting a request."""
    return verify_signature(
        secret,
        request.headers[HEADER_TIMESTAMP.lower()],
        request.body if body is None else body,
        request.headers[HEADER_SIGNATURE.lower()],
    )


def test_receiver_verifies_the_signature(receiver: Receiver, make: Any) -> None:
    make().send(message())
    (request,) = receiver.requests
    assert genuine(request)
    tampered = request.body.replace(b"2.6", b"2.7")
    assert tampered != request.body
    assert not genuine(request, body=tampered)
    assert not genuine(request, secret="khóa-khác")
    assert not genuine(request, secret=SECRET.encode("utf-8") + b"x")
    ts = int(request.headers[HEADER_TIMESTAMP.lower()])
    assert abs(ts - time.time()) < 5
    assert request.headers[HEADER_SIGNATURE.lower()].startswith("sha256=")
    assert request.headers["content-type"] == "application/json; charset=utf-8"
    assert request.headers[HEADER_ID.lower()] == "qn-60-nam/event/1"
    assert request.path == "/hooks/tuyentruyen"


def test_vietnamese_text_arrives_intact(receiver: Receiver, make: Any) -> None:
    sent = message(
        units=("Ban Tuyên giáo Tỉnh ủy", "Sở Thông tin và Truyền thông"),
        subject="Nhắc việc: báo cáo kết quả thực hiện – hạn 30/4/2023",
        body="Đề nghị các đơn vị khẩn trương báo cáo.\nTrân trọng!",
        data={"ghi_chú": "Kỷ niệm 60 năm Ngày thành lập tỉnh Quảng Ninh", "số": 3},
    )
    make().send(sent)
    (request,) = receiver.requests
    assert "Tuyên giáo".encode() in request.body  # raw UTF-8, not \\u escapes
    assert b"\\u" not in request.body
    assert json.loads(request.body.decode("utf-8")) == {
        "id": sent.id,
        "kind": "event",
        "plan": "qn-60-nam",
        "task": "2.6",
        "units": ["Ban Tuyên giáo Tỉnh ủy", "Sở Thông tin và Truyền thông"],
        "subject": "Nhắc việc: báo cáo kết quả thực hiện – hạn 30/4/2023",
        "body": "Đề nghị các đơn vị khẩn trương báo cáo.\nTrân trọng!",
        "lang": "vi",
        "data": {"ghi_chú": "Kỷ niệm 60 năm Ngày thành lập tỉnh Quảng Ninh", "số": 3},
    }


def test_500_twice_then_200_takes_exactly_three_requests(receiver: Receiver, make: Any) -> None:
    receiver.reply(Reply(500, b"loi tam thoi"), Reply(500))
    waits: list[float] = []
    notifier = make(backoff=0.2)
    notifier._sleep = waits.append
    notifier.send(message(7))
    assert len(receiver.requests) == 3
    assert {r.headers[HEADER_ID.lower()] for r in receiver.requests} == {"qn-60-nam/event/7"}
    assert all(genuine(r) for r in receiver.requests)  # each attempt is signed anew
    assert len({r.body for r in receiver.requests}) == 1
    # Exponential with jitter: the n-th wait is within [half, all] of backoff * 2**(n-1).
    assert len(waits) == 2
    assert 0.1 <= waits[0] <= 0.2
    assert 0.2 <= waits[1] <= 0.4


def test_backoff_is_capped(make: Any) -> None:
    notifier = make(backoff=1, max_backoff=3)
    delays = [notifier._delay(n, None) for n in range(1, 12)]
    assert all(0.5 <= d <= 3 for d in delays)
    assert max(delays[4:]) <= 3


def test_retry_after_is_respected_and_capped(receiver: Receiver, make: Any) -> None:
    receiver.reply(
        Reply(429, headers={"Retry-After": "2"}),
        Reply(503, headers={"Retry-After": "3600"}),
        Reply(503, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}),  # in the past
    )
    waits: list[float] = []
    notifier = make(backoff=0.01, max_backoff=2.5)
    notifier._sleep = waits.append
    notifier.send(message())
    assert len(receiver.requests) == 4
    assert waits[:2] == [2.0, 2.5]  # as asked; then capped at max_backoff
    assert len(waits) == 2  # a date already past: retried at once


def test_400_is_not_retried(receiver: Receiver, make: Any) -> None:
    receiver.reply(Reply(400, "thiếu trường 'id'\n  (missing field)".encode()))
    with pytest.raises(WebhookError) as caught:
        make(max_attempts=5).send(message())
    assert len(receiver.requests) == 1
    err = caught.value
    assert err.status == 400
    assert not err.retryable
    assert err.attempts == 1
    assert err.excerpt == "thiếu trường 'id' (missing field)"
    assert "HTTP 400" in str(err)
    assert "thiếu trường" in err.message("vi")
    assert "sau 1 lần thử" in err.message("vi")


def test_a_redirect_is_not_followed_nor_retried(receiver: Receiver, make: Any) -> None:
    receiver.reply(Reply(302, headers={"Location": "http://example.invalid/"}))
    with pytest.raises(WebhookError) as caught:
        make().send(message())
    assert caught.value.status == 302
    assert len(receiver.requests) == 1


def test_gives_up_after_max_attempts(receiver: Receiver, make: Any) -> None:
    receiver.reply(then=Reply(503, b"<html>" + b"Bao tri he thong " * 40 + b"</html>"))
    with pytest.raises(WebhookError) as caught:
        make(max_attempts=3).send(message())
    assert len(receiver.requests) == 3
    err = caught.value
    assert (err.status, err.attempts, err.retryable) == (503, 3, True)
    assert len(err.excerpt) <= 200
    assert err.excerpt.startswith("<html>Bao tri he thong")
    assert str(err).startswith(f"webhook {receiver.url}: HTTP 503: <html>")
    assert str(err).endswith("after 3 attempts")


def test_a_hanging_server_times_out(receiver: Receiver, make: Any) -> None:
    receiver.reply(then=Reply(hang=5))
    started = time.monotonic()
    with pytest.raises(WebhookError) as caught:
        make(timeout=0.5, max_attempts=2).send(message())
    elapsed = time.monotonic() - started
    assert 0.9 <= elapsed < 2.5
    assert len(receiver.requests) == 2
    err = caught.value
    assert err.status is None
    assert err.retryable
    assert "no answer within 0.5 s" in str(err)
    assert "không có phản hồi trong 0.5 giây" in err.message("vi")


def test_a_10_second_hang_times_out(receiver: Receiver, make: Any) -> None:
    """The issue's case: the receiver hangs 10 s, the client gives up after 1 s."""
    receiver.reply(then=Reply(hang=10))
    started = time.monotonic()
    with pytest.raises(WebhookError, match=r"no answer within 1 s after 2 attempts"):
        make(timeout=1, max_attempts=2).send(message())
    assert time.monotonic() - started < 3.5
    assert len(receiver.requests) == 2
    receiver.close()  # wakes the hanging handlers: no 10 s wait
    assert time.monotonic() - started < 4.5


def test_a_slow_answer_within_the_timeout_is_fine(receiver: Receiver, make: Any) -> None:
    receiver.reply(Reply(hang=0.2))
    make(timeout=2).send(message())
    assert len(receiver.requests) == 1


def test_connection_refused_is_retried_then_reported(make: Any) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    notifier = make(url=f"http://127.0.0.1:{port}/hook", max_attempts=3)
    waits: list[float] = []
    notifier._sleep = waits.append
    with pytest.raises(WebhookError) as caught:
        notifier.send(message())
    err = caught.value
    assert (err.status, err.attempts, err.retryable) == (None, 3, True)
    assert "connection failed (ConnectionRefusedError" in str(err)
    assert "lỗi kết nối" in err.message("vi")
    assert len(waits) == 2


def test_keep_alive_connection_is_reused(receiver: Receiver, make: Any) -> None:
    notifier = make()
    for n in range(20):
        notifier.send(message(n))
    assert len(receiver.requests) == 20
    assert len({r.client for r in receiver.requests}) == 1


def test_an_idle_close_by_the_server_costs_no_attempt(receiver: Receiver, make: Any) -> None:
    receiver.reply(then=Reply(drop=True))  # closes each connection after answering
    notifier = make(max_attempts=1)
    for n in range(5):
        notifier.send(message(n))
        time.sleep(0.02)
    assert [r.headers[HEADER_ID.lower()] for r in receiver.requests] == [
        f"qn-60-nam/event/{n}" for n in range(5)
    ]
    assert len({r.client for r in receiver.requests}) == 5


def test_threads_have_their_own_connections(receiver: Receiver, make: Any) -> None:
    notifier = make()
    errors: list[BaseException] = []

    def work(k: int) -> None:
        try:
            for n in range(10):
                notifier.send(message(100 * k + n))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(receiver.requests) == 40
    assert len({r.client for r in receiver.requests}) == 4
    assert all(genuine(r) for r in receiver.requests)
    gc.collect()
    assert not list(notifier._open)  # a thread's connection is closed when it ends


def test_close_then_send_reconnects(receiver: Receiver, make: Any) -> None:
    notifier = make()
    with notifier:
        notifier.send(message(1))
    notifier.send(message(2))
    assert len({r.client for r in receiver.requests}) == 2


def test_extra_headers_are_sent(receiver: Receiver, make: Any) -> None:
    make(headers={"X-Don-Vi": "so-tttt", "User-Agent": "ubnd-qn/1"}).send(message())
    (request,) = receiver.requests
    assert request.headers["x-don-vi"] == "so-tttt"
    assert request.headers["user-agent"] == "ubnd-qn/1"


def test_a_non_ascii_id_is_percent_encoded_in_the_header(receiver: Receiver, make: Any) -> None:
    make().send(message(id="kế-hoạch/event/1"))
    (request,) = receiver.requests
    assert request.headers[HEADER_ID.lower()] == "k%E1%BA%BF-ho%E1%BA%A1ch/event/1"
    assert json.loads(request.body)["id"] == "kế-hoạch/event/1"


def test_data_that_is_not_json_is_refused_without_a_request(receiver: Receiver, make: Any) -> None:
    with pytest.raises(WebhookError) as caught:
        make().send(message(data={"x": object()}))
    assert not caught.value.retryable
    assert caught.value.attempts == 0
    with pytest.raises(WebhookError):
        make().send(message(data={"x": float("nan")}))
    assert receiver.requests == []


def test_the_secret_never_shows(
    receiver: Receiver, make: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="tuyentruyen_webhook")
    receiver.reply(Reply(500), Reply(401, b"unauthorized"))
    notifier = make()
    with pytest.raises(WebhookError) as caught:
        notifier.send(message())
    shown = [repr(notifier), str(caught.value), repr(caught.value), caught.value.message("vi")]
    shown += [r.getMessage() for r in caplog.records]
    assert caplog.records  # the retry was logged
    for text in shown:
        assert SECRET not in text
    assert repr(notifier) == (
        f"WebhookNotifier(url={receiver.url!r}, timeout=10, max_attempts=5, backoff=0.01)"
    )


def test_query_string_is_sent_but_not_shown(receiver: Receiver, make: Any) -> None:
    receiver.reply(Reply(404))
    with pytest.raises(WebhookError) as caught:
        make(url=receiver.url + "?token=abc").send(message())
    assert receiver.requests[0].path == "/hooks/tuyentruyen?token=abc"
    assert "token" not in str(caught.value)


def test_a_notifier_can_be_built_directly(receiver: Receiver) -> None:
    with WebhookNotifier(receiver.url, b"raw-bytes-secret", backoff=0) as notifier:
        notifier.send(message())
    (request,) = receiver.requests
    assert genuine(request, secret=b"raw-bytes-secret")
