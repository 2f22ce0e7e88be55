"""tuyentruyen-webhook: the ``webhook`` notification backend of tuyentruyen.

Each message is POSTed as UTF-8 JSON to one URL, signed with HMAC-SHA256 so the
receiver can tell it came from its tracker, and retried within :meth:`send` on
connection errors, timeouts, 429 and 5xx. Only the standard library speaks HTTP
(:mod:`http.client`, one keep-alive connection per thread).

Configured by the ``[notify.webhook]`` table of the configuration file::

    [notify.webhook]
    url = "https://ubnd.example.vn/hooks/tuyentruyen"
    secret_env = "TT_WEBHOOK_SECRET"   # the variable's name; the secret stays out of the file
    timeout = 10                       # seconds per connect / read
    max_attempts = 5
    backoff = 0.5                      # first retry after ~0.5 s, then doubled, with jitter
    max_backoff = 30                   # cap of one wait (and of Retry-After)
    headers = { "X-Don-Vi" = "so-tttt" }

Receivers check requests with :func:`verify_signature`; docs/webhooks.md describes the
request and shows a receiver.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import http.client
import json
import logging
import os
import random
import re
import ssl
import threading
import time
import weakref
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote, urlsplit

from tuyentruyen import TuyenTruyenError, hookimpl
from tuyentruyen.hookspecs import NotifierFactory
from tuyentruyen.notify import Message

__all__ = [
    "HEADER_ID",
    "HEADER_SIGNATURE",
    "HEADER_TIMESTAMP",
    "WebhookConfigError",
    "WebhookError",
    "WebhookNotifier",
    "register_notifiers",
    "sign",
    "verify_signature",
]
__version__ = "0.1.0"

log = logging.getLogger("tuyentruyen_webhook")

#: The message id (receivers drop a message whose id they have already handled).
HEADER_ID = "X-Tuyentruyen-Id"
#: Unix seconds when the request was signed.
HEADER_TIMESTAMP = "X-Tuyentruyen-Timestamp"
#: ``sha256=<hex HMAC-SHA256 of "<timestamp>." + body>``.
HEADER_SIGNATURE = "X-Tuyentruyen-Signature"

_TABLE = "[notify.webhook]"
_KEYS = ("url", "secret_env", "timeout", "max_attempts", "backoff", "max_backoff", "headers")
#: Headers the notifier sets itself: ``headers`` may not replace them.
_RESERVED = frozenset({"content-type", "content-length", "host", "transfer-encoding", "connection"})
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: Characters kept as they are in the id header (anything else is percent-encoded).
_ID_SAFE = "/:@!$&'()*+,;=-._~"
#: At most this much of a response is read; a longer one closes the connection.
_READ_LIMIT = 64 * 1024
#: Length of the response excerpt a WebhookError carries.
_EXCERPT = 200
#: Connection errors that, on a reused keep-alive connection, mean the server closed it
#: while idle: the request is sent again at once on a new connection.
_STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


# --- errors ----------------------------------------------------------------------------


class WebhookConfigError(TuyenTruyenError, ValueError):
    """The ``[notify.webhook]`` table is not valid; the message names the key."""


class WebhookError(TuyenTruyenError):
    """A message could not be delivered (after :attr:`attempts` attempts).

    Attributes:
        url: the endpoint, without its query string.
        status: the last HTTP status, or ``None`` when no response came.
        excerpt: the start of the last response body (at most 200 characters).
        attempts: requests made (0 when the message could not even be encoded).
        retryable: whether a later retry may succeed (``False`` for a 4xx other than
            429, a redirect, a certificate error or a message that is not JSON).
    """

    def __init__(
        self,
        url: str,
        reason_en: str,
        reason_vi: str,
        *,
        status: int | None = None,
        excerpt: str = "",
        attempts: int = 0,
        retryable: bool = True,
    ) -> None:
        tail_en = tail_vi = ""
        if attempts:
            tail_en = f" after {attempts} attempt{'s' if attempts != 1 else ''}"
            tail_vi = f" sau {attempts} lần thử"
        super().__init__(
            f"webhook {url}: {reason_en}{tail_en}", f"webhook {url}: {reason_vi}{tail_vi}"
        )
        self.url = url
        self.status = status
        self.excerpt = excerpt
        self.attempts = attempts
        self.retryable = retryable


def _config_error(key: str, en: str, vi: str) -> WebhookConfigError:
    return WebhookConfigError(f"{_TABLE} {key}: {en}", f"{_TABLE} {key}: {vi}")


# --- signatures ------------------------------------------------------------------------


def _key(secret: str | bytes) -> bytes:
    return secret.encode("utf-8", "surrogateescape") if isinstance(secret, str) else secret


def _mac(key: bytes, timestamp: str, body: bytes) -> str:
    mac = hmac.new(key, timestamp.encode("ascii") + b".", hashlib.sha256)
    mac.update(body)
    return mac.hexdigest()


def sign(secret: str | bytes, timestamp: int | str, body: bytes) -> str:
    """The :data:`HEADER_SIGNATURE` value for ``body`` sent at ``timestamp`` (Unix
    seconds): ``"sha256=" + hex(HMAC-SHA256(secret, f"{timestamp}." + body))``.

    >>> sign("bí mật", 1700000000, b'{"id":"x"}')[:15]
    'sha256=4f585058'
    """
    ts = _timestamp_text(timestamp)
    if ts is None:
        raise ValueError("timestamp must be a non-negative integer (Unix seconds)")
    return f"sha256={_mac(_key(secret), ts, bytes(body))}"


def _timestamp_text(timestamp: int | str | None) -> str | None:
    """The timestamp as the decimal digits that were signed, or ``None`` if malformed."""
    if timestamp is None or isinstance(timestamp, bool):
        return None
    if isinstance(timestamp, int):
        return str(timestamp) if timestamp >= 0 else None
    text = str(timestamp).strip()
    if not text or len(text) > 15 or not (text.isascii() and text.isdigit()):
        return None
    return text


def verify_signature(
    secret: str | bytes,
    timestamp: int | str | None,
    body: bytes,
    header: str | None,
    tolerance: float = 300,
    now: float | None = None,
) -> bool:
    """Whether a request is genuine: ``header`` (the :data:`HEADER_SIGNATURE` value) is
    the signature of ``body`` (the raw request bytes, before any JSON parsing) at
    ``timestamp`` (the :data:`HEADER_TIMESTAMP` value) with ``secret``, and
    ``timestamp`` is within ``tolerance`` seconds of ``now`` (default: the current
    time), which refuses replayed old requests. A missing (``None``) or malformed
    timestamp or header is ``False``, never an exception.

    Signatures are compared in constant time. ``header`` may list several
    comma-separated ``sha256=`` values; one match is enough.

    >>> body = '{"id":"qn-60-nam/event/1","subject":"Nhiệm vụ 2.6"}'.encode()
    >>> header = sign("bí mật", 1700000000, body)
    >>> verify_signature("bí mật", "1700000000", body, header, now=1700000100)
    True
    >>> verify_signature("bí mật", "1700000000", body, header, now=1700000400)  # stale
    False
    >>> verify_signature("sai", "1700000000", body, header, now=1700000100)
    False
    """
    ts = _timestamp_text(timestamp)
    if ts is None or not header:
        return False
    current = time.time() if now is None else now
    if abs(current - int(ts)) > tolerance:
        return False
    expected = f"sha256={_mac(_key(secret), ts, bytes(body))}".encode("ascii")
    found = False
    for candidate in header.split(","):
        given = candidate.strip()
        if not given.isascii():
            continue
        # No early exit: every candidate is compared, in constant time.
        found |= hmac.compare_digest(expected, given.lower().encode("ascii"))
    return found


# --- configuration helpers ---------------------------------------------------------------


def _number(key: str, value: Any, *, low: float, high: float, positive: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _config_error(
            key,
            f"must be a number of seconds, not {value!r}",
            f"phải là số giây, không phải {value!r}",
        )
    number = float(value)
    if not (low < number if positive else low <= number) or number > high:
        lo_en = f"greater than {low:g}" if positive else f"at least {low:g}"
        lo_vi = f"lớn hơn {low:g}" if positive else f"ít nhất là {low:g}"
        raise _config_error(
            key,
            f"must be {lo_en} and at most {high:g} seconds, not {value!r}",
            f"phải {lo_vi} và không quá {high:g} giây, không phải {value!r}",
        )
    return number


def _attempts(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 100:
        raise _config_error(
            "max_attempts",
            f"must be a whole number from 1 to 100, not {value!r}",
            f"phải là số nguyên từ 1 đến 100, không phải {value!r}",
        )
    return value


def _url(value: Any) -> tuple[str, str, int | None, str, str]:
    """``(scheme, host, port, request target, URL for messages)`` of the endpoint."""
    if not isinstance(value, str) or not value.strip():
        raise _config_error(
            "url",
            "is required: the http(s) address to POST each message to",
            "là bắt buộc: địa chỉ http(s) nhận từng thông báo (POST)",
        )
    parts = urlsplit(value.strip())
    try:
        port = parts.port
    except ValueError:
        port = -1
    problem = None
    if parts.scheme not in ("http", "https"):
        problem = ("must start with http:// or https://", "phải bắt đầu bằng http:// hoặc https://")
    elif not parts.hostname or port == -1:
        problem = ("has no valid host and port", "không có máy chủ và cổng hợp lệ")
    elif parts.username is not None or parts.password is not None:
        problem = (
            "must not hold credentials (requests are signed with the secret of secret_env)",
            "không được chứa thông tin đăng nhập (yêu cầu được ký bằng khóa bí mật của secret_env)",
        )
    elif any(c.isspace() or ord(c) < 0x21 or ord(c) > 0x7E for c in value.strip()):
        problem = (
            "must be ASCII without spaces (percent-encode other characters)",
            "chỉ được chứa ký tự ASCII, không có khoảng trắng (mã hóa phần trăm các ký tự khác)",
        )
    if problem is not None:
        raise _config_error(
            "url", f"{problem[0]}, not {value!r}", f"{problem[1]}, không phải {value!r}"
        )
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    shown = f"{parts.scheme}://{parts.netloc}{parts.path or '/'}"
    return parts.scheme, parts.hostname or "", port, target, shown


def _headers(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise _config_error(
            "headers",
            f"must be a table of header names to values, not {value!r}",
            f"phải là một bảng tên header -> giá trị, không phải {value!r}",
        )
    out: dict[str, str] = {}
    for name, text in value.items():
        key = f"headers.{name}"
        if not isinstance(name, str) or not _TOKEN.fullmatch(name):
            raise _config_error(key, "is not a valid header name", "không phải tên header hợp lệ")
        lowered = name.lower()
        if lowered in _RESERVED or lowered.startswith("x-tuyentruyen-"):
            raise _config_error(
                key,
                "is set by the webhook notifier itself and cannot be replaced",
                "do webhook tự đặt, không thể thay thế",
            )
        if (
            not isinstance(text, str)
            or any(c in text for c in "\r\n\0")
            or not text.isprintable()
            or not text.isascii()
        ):
            raise _config_error(
                key,
                "must be a one-line ASCII text",
                "phải là một dòng văn bản ASCII",
            )
        out[name] = text
    return out


def _json_default(value: Any) -> Any:
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, set | frozenset):
        return sorted(value, key=repr)
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _retry_after(value: str | None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (delay-seconds or HTTP-date)."""
    if not value:
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():
        return float(int(text[:9]))
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - time.time())


def _excerpt(data: bytes) -> str:
    text = " ".join(data[: _EXCERPT * 4].decode("utf-8", "replace").split())
    return text if len(text) <= _EXCERPT else text[: _EXCERPT - 1] + "…"


# --- the notifier --------------------------------------------------------------------------


class _Connection:
    """One thread's keep-alive connection; closed when the thread (or notifier) goes."""

    __slots__ = ("__weakref__", "conn")

    def __init__(self, conn: http.client.HTTPConnection) -> None:
        self.conn = conn

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.conn.close()

    def __del__(self) -> None:
        self.close()


class _Failure:
    """Why one attempt failed."""

    __slots__ = ("en", "excerpt", "retry_after", "retryable", "status", "vi")

    def __init__(
        self,
        en: str,
        vi: str,
        *,
        retryable: bool,
        status: int | None = None,
        excerpt: str = "",
        retry_after: float | None = None,
    ) -> None:
        self.en = en
        self.vi = vi
        self.retryable = retryable
        self.status = status
        self.excerpt = excerpt
        self.retry_after = retry_after


class WebhookNotifier:
    """POSTs each message, signed, to one URL (``[notify.webhook]``).

    Safe to share between threads: each thread keeps its own keep-alive connection,
    reopened after any failure. :meth:`close` (or ``with``) closes them all; a
    thread's connection is also closed when the thread ends.

    Args:
        url: the ``http://`` or ``https://`` endpoint.
        secret: the HMAC key (from the environment: see :meth:`from_config`).
        timeout: seconds to connect and for each read of the response.
        max_attempts: requests per :meth:`send` before it gives up.
        backoff: seconds before the first retry, doubled each retry (jittered
            between half and all of it).
        max_backoff: cap of one wait, including one a ``Retry-After`` header asks for.
        headers: extra request headers.
        sleep: how to wait between attempts (tests pass a fake).
    """

    def __init__(
        self,
        url: str,
        secret: str | bytes,
        *,
        timeout: float = 10.0,
        max_attempts: int = 5,
        backoff: float = 0.5,
        max_backoff: float = 30.0,
        headers: Mapping[str, str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        scheme, self._host, self._port, self._target, self.url = _url(url)
        self._https = scheme == "https"
        self._ssl = ssl.create_default_context() if self._https else None
        key = _key(secret)
        if not key:
            raise _config_error("secret_env", "the secret is empty", "khóa bí mật đang để trống")
        self._secret = key
        self.timeout = _number("timeout", timeout, low=0, high=3600, positive=True)
        self.max_attempts = _attempts(max_attempts)
        self.backoff = _number("backoff", backoff, low=0, high=3600, positive=False)
        self.max_backoff = _number("max_backoff", max_backoff, low=0, high=3600, positive=False)
        self.headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": f"tuyentruyen-webhook/{__version__}",
            **_headers(headers),
        }
        self._sleep = sleep
        self._local = threading.local()
        self._lock = threading.Lock()
        self._open: weakref.WeakSet[_Connection] = weakref.WeakSet()

    @classmethod
    def from_config(
        cls, config: Mapping[str, Any], *, environ: Mapping[str, str] | None = None
    ) -> WebhookNotifier:
        """The notifier of a ``[notify.webhook]`` table; the secret is read from the
        environment variable ``secret_env`` names (``environ``: instead of
        :data:`os.environ`). Raises :class:`WebhookConfigError` naming the bad key."""
        if not isinstance(config, Mapping):
            raise WebhookConfigError(
                f"{_TABLE} must be a table, not {config!r}",
                f"{_TABLE} phải là một bảng, không phải {config!r}",
            )
        if "secret" in config:
            raise _config_error(
                "secret",
                "never put the secret in the file: put it in an environment variable "
                "and give that variable's name as secret_env",
                "không ghi khóa bí mật vào tệp: đặt nó vào một biến môi trường "
                "và ghi tên biến đó ở secret_env",
            )
        unknown = sorted(str(k) for k in config if k not in _KEYS)
        if unknown:
            known = ", ".join(_KEYS)
            raise _config_error(
                unknown[0],
                f"unknown key (known: {known})",
                f"khóa không hợp lệ (các khóa có: {known})",
            )
        _url(config.get("url"))  # a missing or bad url is reported first
        url: str = config["url"]
        name = config.get("secret_env")
        if not isinstance(name, str) or not _ENV_NAME.fullmatch(name):
            raise _config_error(
                "secret_env",
                "is required: the name of the environment variable holding the HMAC "
                f'secret, e.g. "TT_WEBHOOK_SECRET" (got {name!r})',
                "là bắt buộc: tên biến môi trường chứa khóa bí mật HMAC, "
                f'ví dụ "TT_WEBHOOK_SECRET" (đang là {name!r})',
            )
        env = os.environ if environ is None else environ
        secret = env.get(name)
        if not secret:
            state_en, state_vi = (
                ("is empty", "đang để trống") if secret == "" else ("is not set", "chưa được đặt")
            )
            raise _config_error(
                "secret_env",
                f"the environment variable {name} {state_en}: set it to the webhook's secret",
                f"biến môi trường {name} {state_vi}: hãy đặt nó là khóa bí mật của webhook",
            )
        return cls(
            url,
            secret,
            timeout=config.get("timeout", 10.0),
            max_attempts=config.get("max_attempts", 5),
            backoff=config.get("backoff", 0.5),
            max_backoff=config.get("max_backoff", 30.0),
            headers=config.get("headers"),
        )

    def __repr__(self) -> str:
        return (
            f"WebhookNotifier(url={self.url!r}, timeout={self.timeout:g}, "
            f"max_attempts={self.max_attempts}, backoff={self.backoff:g})"
        )

    # -- connections ------------------------------------------------------------------

    def _connection(self) -> _Connection:
        holder: _Connection | None = getattr(self._local, "holder", None)
        if holder is None:
            conn: http.client.HTTPConnection
            if self._ssl is not None:
                conn = http.client.HTTPSConnection(
                    self._host, self._port, timeout=self.timeout, context=self._ssl
                )
            else:
                conn = http.client.HTTPConnection(self._host, self._port, timeout=self.timeout)
            holder = _Connection(conn)
            self._local.holder = holder
            with self._lock:
                self._open.add(holder)
        return holder

    def close(self) -> None:
        """Close every thread's connection (the notifier stays usable: it reconnects)."""
        with self._lock:
            holders = list(self._open)
        for holder in holders:
            holder.close()

    def __enter__(self) -> WebhookNotifier:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- sending ------------------------------------------------------------------------

    def encode(self, message: Message) -> bytes:
        """The request body for ``message``: compact UTF-8 JSON."""
        payload = {
            "id": message.id,
            "kind": message.kind,
            "plan": message.plan,
            "task": message.task,
            "units": list(message.units),
            "subject": message.subject,
            "body": message.body,
            "lang": message.lang,
            "data": message.data,
        }
        return json.dumps(
            payload,
            ensure_ascii=False,
            allow_nan=False,
            separators=(",", ":"),
            default=_json_default,
        ).encode("utf-8")

    def send(self, message: Message) -> None:
        """Deliver ``message``, retrying connection errors, timeouts, 429 and 5xx with
        exponential backoff; raise :class:`WebhookError` when it could not (a 4xx other
        than 429 is not retried). Delivery is at least once: the same message may
        arrive twice, always with the same :data:`HEADER_ID`."""
        try:
            body = self.encode(message)
        except (TypeError, ValueError) as exc:
            raise WebhookError(
                self.url,
                f"message {message.id} cannot be sent as JSON: {exc}",
                f"không chuyển được thông báo {message.id} sang JSON: {exc}",
                retryable=False,
            ) from None
        message_id = quote(message.id, safe=_ID_SAFE)
        attempt = 0
        while True:
            attempt += 1
            failure = self._attempt(message_id, body)
            if failure is None:
                return
            if not failure.retryable or attempt >= self.max_attempts:
                raise WebhookError(
                    self.url,
                    failure.en,
                    failure.vi,
                    status=failure.status,
                    excerpt=failure.excerpt,
                    attempts=attempt,
                    retryable=failure.retryable,
                )
            delay = self._delay(attempt, failure.retry_after)
            log.debug(
                "webhook %s: message %s attempt %d failed (%s); retrying in %.2f s",
                self.url,
                message.id,
                attempt,
                failure.en,
                delay,
            )
            if delay > 0:
                self._sleep(delay)

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait after failed attempt number ``attempt``."""
        if retry_after is not None:
            return min(self.max_backoff, retry_after)
        ceiling = min(self.max_backoff, self.backoff * 2.0 ** min(attempt - 1, 60))
        return ceiling / 2 + random.uniform(0, ceiling / 2)

    def _attempt(self, message_id: str, body: bytes) -> _Failure | None:
        """One request (two when a reused keep-alive connection turns out closed)."""
        holder = self._connection()
        conn = holder.conn
        for fresh in (False, True):
            reused = conn.sock is not None
            timestamp = str(int(time.time()))
            headers = {
                **self.headers,
                HEADER_ID: message_id,
                HEADER_TIMESTAMP: timestamp,
                HEADER_SIGNATURE: f"sha256={_mac(self._secret, timestamp, body)}",
            }
            try:
                conn.request("POST", self._target, body=body, headers=headers)
                response = conn.getresponse()
                status = response.status
                retry_after = response.getheader("Retry-After")
                data = response.read(_READ_LIMIT)
                if not response.isclosed():  # more than we care to read: do not reuse
                    holder.close()
            except ssl.SSLCertVerificationError as exc:
                holder.close()
                return _Failure(
                    f"TLS certificate refused: {exc.verify_message}",
                    f"chứng chỉ TLS không hợp lệ: {exc.verify_message}",
                    retryable=False,
                )
            except (OSError, http.client.HTTPException) as exc:
                holder.close()
                if reused and not fresh and isinstance(exc, _STALE):
                    continue  # the server closed the idle connection: once more, at once
                if isinstance(exc, TimeoutError):
                    return _Failure(
                        f"no answer within {self.timeout:g} s",
                        f"không có phản hồi trong {self.timeout:g} giây",
                        retryable=True,
                    )
                what = f"{type(exc).__name__}: {exc}".rstrip(": ")
                return _Failure(
                    f"connection failed ({what})", f"lỗi kết nối ({what})", retryable=True
                )
            if 200 <= status < 300:
                return None
            excerpt = _excerpt(data)
            said = f": {excerpt}" if excerpt else ""
            retryable = status == 429 or status >= 500
            return _Failure(
                f"HTTP {status}{said}",
                f"HTTP {status}{said}",
                retryable=retryable,
                status=status,
                excerpt=excerpt,
                retry_after=_retry_after(retry_after) if retryable else None,
            )
        raise AssertionError("unreachable")  # pragma: no cover


@hookimpl
def register_notifiers(register: Callable[[str, NotifierFactory], None]) -> None:
    """Offer the ``webhook`` backend (``[notify.webhook]``)."""
    register("webhook", WebhookNotifier.from_config)
