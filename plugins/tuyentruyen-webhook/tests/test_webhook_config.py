"""The [notify.webhook] table: defaults, and an error naming the key for each mistake."""

from __future__ import annotations

from typing import Any

import pytest
from tuyentruyen_webhook import WebhookConfigError, WebhookNotifier

from tuyentruyen import TuyenTruyenError

ENV = {"TT_WEBHOOK_SECRET": "s3cr3t-value-never-shown"}


def build(environ: dict[str, str] | None = None, **table: Any) -> WebhookNotifier:
    config = {"url": "https://ubnd.example.vn/hooks/tt", "secret_env": "TT_WEBHOOK_SECRET"}
    config.update(table)
    return WebhookNotifier.from_config(config, environ=ENV if environ is None else environ)


def refused(**table: Any) -> WebhookConfigError:
    with pytest.raises(WebhookConfigError) as caught:
        build(**table)
    err = caught.value
    assert isinstance(err, TuyenTruyenError)
    assert err.en.startswith("[notify.webhook] ")
    assert err.vi.startswith("[notify.webhook] ")
    assert "s3cr3t" not in err.en + err.vi
    return err


def test_defaults() -> None:
    n = build()
    assert (n.timeout, n.max_attempts, n.backoff, n.max_backoff) == (10, 5, 0.5, 30)
    assert n.url == "https://ubnd.example.vn/hooks/tt"
    assert n.headers["Content-Type"] == "application/json; charset=utf-8"


def test_every_setting() -> None:
    n = build(timeout=2.5, max_attempts=3, backoff=0, max_backoff=4, headers={"X-A": "b"})
    assert (n.timeout, n.max_attempts, n.backoff, n.max_backoff) == (2.5, 3, 0, 4)
    assert n.headers["X-A"] == "b"


def test_the_secret_comes_from_the_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TT_WEBHOOK_SECRET_OS", "from-os-environ")
    config = {"url": "http://127.0.0.1:9/x", "secret_env": "TT_WEBHOOK_SECRET_OS"}
    assert WebhookNotifier.from_config(config).max_attempts == 5
    monkeypatch.delenv("TT_WEBHOOK_SECRET_OS")
    with pytest.raises(WebhookConfigError, match="TT_WEBHOOK_SECRET_OS is not set"):
        WebhookNotifier.from_config(config)


def test_missing_environment_variable_is_named_bilingually() -> None:
    err = refused(secret_env="TT_MISSING")
    assert err.en == (
        "[notify.webhook] secret_env: the environment variable TT_MISSING is not set: "
        "set it to the webhook's secret"
    )
    assert err.vi == (
        "[notify.webhook] secret_env: biến môi trường TT_MISSING chưa được đặt: "
        "hãy đặt nó là khóa bí mật của webhook"
    )
    with pytest.raises(WebhookConfigError, match="TT_WEBHOOK_SECRET is empty"):
        build(environ={"TT_WEBHOOK_SECRET": ""})


@pytest.mark.parametrize(
    ("table", "key", "words"),
    [
        ({"url": None}, "url", "is required"),
        ({"url": ""}, "url", "is required"),
        ({"url": "ftp://example.vn/x"}, "url", "http:// or https://"),
        ({"url": "https://"}, "url", "no valid host"),
        ({"url": "http://example.vn:99999/x"}, "url", "no valid host"),
        ({"url": "https://user:pw@example.vn/x"}, "url", "credentials"),
        ({"url": "https://example.vn/tin tức"}, "url", "ASCII"),
        ({"secret_env": None}, "secret_env", "is required"),
        ({"secret_env": "TT SECRET"}, "secret_env", "is required"),
        ({"secret": "plain-text"}, "secret", "never put the secret in the file"),
        ({"timeout": 0}, "timeout", "greater than 0"),
        ({"timeout": "10"}, "timeout", "number of seconds"),
        ({"timeout": True}, "timeout", "number of seconds"),
        ({"max_attempts": 0}, "max_attempts", "1 to 100"),
        ({"max_attempts": 2.5}, "max_attempts", "1 to 100"),
        ({"backoff": -1}, "backoff", "at least 0"),
        ({"max_backoff": 1e9}, "max_backoff", "at most 3600"),
        ({"headers": "X-A: b"}, "headers", "table"),
        ({"headers": {"Content-Type": "text/plain"}}, "headers.Content-Type", "set by the"),
        ({"headers": {"X-Tuyentruyen-Id": "x"}}, "headers.X-Tuyentruyen-Id", "set by the"),
        ({"headers": {"X-A": "b\r\nX-Evil: 1"}}, "headers.X-A", "one-line"),
        ({"headers": {"Bad Name": "b"}}, "headers.Bad Name", "header name"),
        ({"timout": 5}, "timout", "unknown key"),
    ],
)
def test_mistakes_name_the_key(table: dict[str, Any], key: str, words: str) -> None:
    err = refused(**table)
    assert err.en.startswith(f"[notify.webhook] {key}: ")
    assert err.vi.startswith(f"[notify.webhook] {key}: ")
    assert words in err.en
    assert err.vi != err.en


def test_a_bad_url_is_reported_before_a_missing_secret() -> None:
    with pytest.raises(WebhookConfigError, match=r"\] url: is required"):
        WebhookNotifier.from_config({}, environ={})


def test_the_table_must_be_a_table() -> None:
    with pytest.raises(WebhookConfigError, match="must be a table"):
        WebhookNotifier.from_config(["url"], environ=ENV)  # type: ignore[arg-type]


def test_an_empty_secret_is_refused_when_built_directly() -> None:
    with pytest.raises(WebhookConfigError, match="secret is empty"):
        WebhookNotifier("http://127.0.0.1:9/", "")
