"""Sending through a real SMTP server (aiosmtpd on 127.0.0.1): plain, STARTTLS, SSL,
logging in, refusals and partial failures."""

from __future__ import annotations

import logging
import smtplib
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from email_samples import BODY, PASSWORD, PASSWORD_VI, SENDER, SUBJECT, USER, decoded, make_message
from tuyentruyen_email import EmailConfigError, EmailDeliveryError, EmailNotifier

from conftest import Certificate, Received, Server

StartServer = Callable[..., Server]


def notifier_for(server: Server, config: dict[str, Any], **more: Any) -> EmailNotifier:
    environ = more.pop("environ", None)
    return EmailNotifier.from_config(
        {**config, "host": server.host, "port": server.port, **more}, environ=environ
    )


def by_unit(received: list[Received]) -> dict[str, Received]:
    return {r.email["X-Tuyentruyen-Unit"]: r for r in received}


# --- plain SMTP -------------------------------------------------------------------


def test_one_email_per_unit(smtp_server: StartServer, config: dict[str, Any]) -> None:
    server = smtp_server()
    notifier = notifier_for(server, config, security="none")
    notifier.send(make_message())

    received = server.handler.received
    assert len(received) == 2
    emails = by_unit(received)
    assert emails["tt-bc-xb"].rcpt_tos == ["ttbcxb@example.vn"]
    assert emails["btgtu"].rcpt_tos == ["vanphong@btgtu.example.vn", "lanhdao@btgtu.example.vn"]
    for unit, r in emails.items():
        assert r.mail_from == "thongbao@btgtu.example.vn"
        email = r.email
        assert email["Subject"] == SUBJECT
        assert email.get_content() == BODY
        (sender,) = email["From"].addresses
        assert sender.display_name == "Ban Tuyên giáo Tỉnh ủy"
        assert decoded(email, "From") == SENDER
        assert email["X-Tuyentruyen-Id"] == "qn-60-nam/due_soon/2.6/2023-09-15"
        assert email["X-Tuyentruyen-Unit"] == unit
        assert not r.tls


def test_message_id_is_the_same_on_a_second_send(
    smtp_server: StartServer, config: dict[str, Any]
) -> None:
    server = smtp_server()
    notifier = notifier_for(server, config, security="none")
    notifier.send(make_message())
    # Another notifier (another run of the deliverer) sends the same message again.
    notifier_for(server, config, security="none").send(make_message())

    first, second = server.handler.received[:2], server.handler.received[2:]
    ids = [[r.email["Message-ID"] for r in batch] for batch in (first, second)]
    assert ids[0] == ids[1]
    assert len(set(ids[0])) == 2  # one per unit
    other = make_message(id="qn-60-nam/overdue/2.6/2023-09-16")
    notifier.send(other)
    assert not {r.email["Message-ID"] for r in server.handler.received[4:]} & set(ids[0])


def test_a_unit_without_address_is_skipped(
    smtp_server: StartServer, config: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    server = smtp_server()
    notifier = notifier_for(server, config, security="none")
    with caplog.at_level(logging.WARNING, logger="tuyentruyen_email"):
        notifier.send(make_message(units=("khoa-giao", "tt-th")))
    (only,) = server.handler.received
    assert only.rcpt_tos == ["ttth@example.vn"]
    assert "'khoa-giao' has no address in the contacts" in caplog.text


def test_no_unit_with_address_raises_and_connects_to_nothing(
    smtp_server: StartServer, config: dict[str, Any]
) -> None:
    server = smtp_server()
    with pytest.raises(EmailDeliveryError, match="none of its units has an address"):
        notifier_for(server, config, security="none").send(make_message(units=("khoa-giao",)))
    assert server.handler.received == []


def test_a_refused_connection_raises(config: dict[str, Any]) -> None:
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    notifier = EmailNotifier.from_config({**config, "port": port, "security": "none", "timeout": 5})
    with pytest.raises(EmailDeliveryError) as info:
        notifier.send(make_message())
    assert isinstance(info.value.__cause__, ConnectionRefusedError)
    assert info.value.failed == ("tt-bc-xb", "btgtu")
    assert info.value.delivered == ()
    assert f"127.0.0.1:{port}" in info.value.en
    assert "sẽ gửi lại sau" in info.value.vi


def test_a_failure_midway_is_reported_and_not_resent(
    smtp_server: StartServer, config: dict[str, Any]
) -> None:
    server = smtp_server()
    server.handler.refuse = {"vanphong@btgtu.example.vn", "lanhdao@btgtu.example.vn"}
    notifier = notifier_for(server, config, security="none")
    message = make_message(units=("tt-bc-xb", "btgtu", "tt-th"))
    with pytest.raises(EmailDeliveryError) as info:
        notifier.send(message)
    assert info.value.delivered == ("tt-bc-xb", "tt-th")
    assert info.value.failed == ("btgtu",)
    assert isinstance(info.value.__cause__, smtplib.SMTPRecipientsRefused)
    assert "email to btgtu failed" in info.value.en
    assert "đã gửi cho tt-bc-xb, tt-th" in info.value.vi
    assert sorted(by_unit(server.handler.received)) == ["tt-bc-xb", "tt-th"]

    # The retry (same notifier) sends only what is missing.
    server.handler.refuse = set()
    notifier.send(message)
    assert [r.email["X-Tuyentruyen-Unit"] for r in server.handler.received[2:]] == ["btgtu"]
    # Once delivered, sending the same message again sends nothing.
    notifier.send(message)
    assert len(server.handler.received) == 3


def test_a_journal_carries_what_was_sent_to_the_next_process(
    smtp_server: StartServer, config: dict[str, Any], tmp_path: Path
) -> None:
    server = smtp_server()
    server.handler.refuse = {"ttth@example.vn"}
    journal = str(tmp_path / "email-sent.sqlite")
    message = make_message(units=("tt-bc-xb", "tt-th", "btgtu"))
    with pytest.raises(EmailDeliveryError) as info:
        notifier_for(server, config, security="none", journal=journal).send(message)
    assert info.value.failed == ("tt-th",)
    assert len(server.handler.received) == 2

    # The next run of the deliverer is another process, with another notifier.
    server.handler.refuse = set()
    notifier_for(server, config, security="none", journal=journal).send(message)
    assert [r.email["X-Tuyentruyen-Unit"] for r in server.handler.received[2:]] == ["tt-th"]
    notifier_for(server, config, security="none", journal=journal).send(message)
    assert len(server.handler.received) == 3
    # Without the journal, a new process cannot know: it sends again (at least once).
    notifier_for(server, config, security="none").send(message)
    assert len(server.handler.received) == 6


def test_a_partly_refused_unit_counts_as_served(
    smtp_server: StartServer, config: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    server = smtp_server()
    server.handler.refuse = {"lanhdao@btgtu.example.vn"}
    notifier = notifier_for(server, config, security="none")
    with caplog.at_level(logging.WARNING, logger="tuyentruyen_email"):
        notifier.send(make_message(units=("btgtu",)))
    (only,) = server.handler.received
    assert only.rcpt_tos == ["vanphong@btgtu.example.vn"]
    assert "the server refused lanhdao@btgtu.example.vn" in caplog.text


# --- STARTTLS and SSL -------------------------------------------------------------


def test_starttls_with_a_private_ca(
    smtp_server: StartServer, config: dict[str, Any], certificate: Certificate
) -> None:
    server = smtp_server(tls_context=certificate.server_context(), require_starttls=True)
    notifier = notifier_for(server, config, ca_file=str(certificate.cert))
    assert notifier.security == "starttls"
    notifier.send(make_message())
    assert len(server.handler.received) == 2
    assert all(r.tls for r in server.handler.received)
    assert server.handler.received[0].email["Subject"] == SUBJECT


def test_starttls_checks_the_certificate(
    smtp_server: StartServer, config: dict[str, Any], certificate: Certificate
) -> None:
    server = smtp_server(tls_context=certificate.server_context(), require_starttls=True)
    with pytest.raises(EmailDeliveryError, match="CERTIFICATE_VERIFY_FAILED"):
        notifier_for(server, config).send(make_message())
    assert server.handler.received == []


def test_starttls_without_verifying(
    smtp_server: StartServer, config: dict[str, Any], certificate: Certificate
) -> None:
    server = smtp_server(tls_context=certificate.server_context(), require_starttls=True)
    notifier_for(server, config, verify=False).send(make_message())
    assert len(server.handler.received) == 2


def test_starttls_never_falls_back_to_plain(
    smtp_server: StartServer, config: dict[str, Any]
) -> None:
    server = smtp_server()  # offers no STARTTLS
    with pytest.raises(EmailDeliveryError) as info:
        notifier_for(server, config).send(make_message())
    assert isinstance(info.value.__cause__, smtplib.SMTPNotSupportedError)
    assert server.handler.received == []


@pytest.mark.parametrize("mechanism", ["LOGIN", "PLAIN"])
def test_login_after_starttls(
    smtp_server: StartServer,
    config: dict[str, Any],
    certificate: Certificate,
    mechanism: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    other = {"LOGIN": "PLAIN", "PLAIN": "LOGIN"}[mechanism]
    server = smtp_server(
        tls_context=certificate.server_context(),
        require_starttls=True,
        authenticate=True,
        auth_required=True,
        auth_exclude_mechanism=[other],
    )
    notifier = notifier_for(
        server,
        config,
        ca_file=str(certificate.cert),
        username=USER,
        password_env="TT_SMTP_PASSWORD",
        environ={"TT_SMTP_PASSWORD": PASSWORD},
    )
    with caplog.at_level(logging.DEBUG):
        notifier.send(make_message())
    assert server.handler.logins == [(mechanism, USER, PASSWORD)]
    assert all(r.authenticated and r.tls for r in server.handler.received)
    assert len(server.handler.received) == 2
    assert PASSWORD not in caplog.text


def test_a_wrong_password_raises_without_showing_it(
    smtp_server: StartServer, config: dict[str, Any], certificate: Certificate
) -> None:
    server = smtp_server(
        tls_context=certificate.server_context(),
        require_starttls=True,
        authenticate=True,
        auth_required=True,
    )
    wrong = "sai-mật-khẩu"
    notifier = notifier_for(
        server,
        config,
        ca_file=str(certificate.cert),
        username=USER,
        password_env="TT_SMTP_PASSWORD",
        environ={"TT_SMTP_PASSWORD": wrong},
    )
    with pytest.raises(EmailDeliveryError) as info:
        notifier.send(make_message())
    assert isinstance(info.value.__cause__, smtplib.SMTPAuthenticationError)
    assert wrong not in info.value.en + info.value.vi
    assert server.handler.received == []


def test_the_password_variable_is_read_at_each_login(
    smtp_server: StartServer,
    config: dict[str, Any],
    certificate: Certificate,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server = smtp_server(
        tls_context=certificate.server_context(),
        require_starttls=True,
        authenticate=True,
        auth_required=True,
    )
    monkeypatch.setenv("TT_SMTP_PASSWORD", "cũ")
    notifier = notifier_for(
        server,
        config,
        ca_file=str(certificate.cert),
        username=USER,
        password_env="TT_SMTP_PASSWORD",
    )
    monkeypatch.setenv("TT_SMTP_PASSWORD", PASSWORD)  # rotated after the start
    notifier.send(make_message(units=("tt-th",)))
    assert len(server.handler.received) == 1
    monkeypatch.delenv("TT_SMTP_PASSWORD")
    with pytest.raises(EmailConfigError, match="TT_SMTP_PASSWORD is not set"):
        notifier.send(make_message(id="qn-60-nam/event/13", units=("tt-th",)))


def test_a_vietnamese_password_goes_as_utf8_with_plain(
    smtp_server: StartServer, config: dict[str, Any], certificate: Certificate
) -> None:
    server = smtp_server(
        tls_context=certificate.server_context(),
        require_starttls=True,
        authenticate=True,
        auth_required=True,
    )
    server.handler.password = PASSWORD_VI
    notifier = notifier_for(
        server,
        config,
        ca_file=str(certificate.cert),
        username=USER,
        password_env="TT_SMTP_PASSWORD",
        environ={"TT_SMTP_PASSWORD": PASSWORD_VI},
    )
    notifier.send(make_message(units=("tt-th",)))
    assert server.handler.logins == [("PLAIN", USER, PASSWORD_VI)]
    assert len(server.handler.received) == 1


def test_a_vietnamese_password_needs_plain(
    smtp_server: StartServer, config: dict[str, Any], certificate: Certificate
) -> None:
    server = smtp_server(
        tls_context=certificate.server_context(),
        require_starttls=True,
        authenticate=True,
        auth_required=True,
        auth_exclude_mechanism=["PLAIN"],
    )
    notifier = notifier_for(
        server,
        config,
        ca_file=str(certificate.cert),
        username=USER,
        password_env="TT_SMTP_PASSWORD",
        environ={"TT_SMTP_PASSWORD": PASSWORD_VI},
    )
    with pytest.raises(EmailConfigError) as info:
        notifier.send(make_message(units=("tt-th",)))
    assert "non-ASCII" in info.value.en
    assert "it offers: LOGIN" in info.value.en
    assert "TT_SMTP_PASSWORD" in info.value.vi
    for text in (info.value.en, info.value.vi, repr(info.value)):
        assert PASSWORD_VI not in text
    assert server.handler.logins == []


def test_implicit_tls_with_login(
    smtp_server: StartServer, config: dict[str, Any], certificate: Certificate
) -> None:
    # aiosmtpd does not count a connection TLS-wrapped from the start as encrypted for
    # AUTH (it knows only STARTTLS), hence auth_require_tls=False; the wire is TLS.
    server = smtp_server(
        ssl_context=certificate.server_context(), authenticate=True, auth_require_tls=False
    )
    notifier = notifier_for(
        server,
        config,
        security="ssl",
        ca_file=str(certificate.cert),
        username=USER,
        password_env="TT_SMTP_PASSWORD",
        environ={"TT_SMTP_PASSWORD": PASSWORD},
    )
    notifier.send(make_message())
    assert [login[1:] for login in server.handler.logins] == [(USER, PASSWORD)]
    assert len(server.handler.received) == 2
    assert all(r.authenticated for r in server.handler.received)
    assert server.handler.received[1].email.get_content() == BODY


def test_implicit_tls_checks_the_certificate(
    smtp_server: StartServer, config: dict[str, Any], certificate: Certificate
) -> None:
    server = smtp_server(ssl_context=certificate.server_context())
    with pytest.raises(EmailDeliveryError, match="CERTIFICATE_VERIFY_FAILED"):
        notifier_for(server, config, security="ssl", timeout=5).send(make_message())
