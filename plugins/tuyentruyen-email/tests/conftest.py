"""A real SMTP server for the tests (aiosmtpd on 127.0.0.1), a self-signed certificate
made with the openssl binary, a contacts file and a Vietnamese message."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from email_samples import CONTACTS, PASSWORD, SENDER, USER


@dataclass
class Received:
    """One email as the server received it."""

    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    tls: bool
    authenticated: bool

    @property
    def email(self) -> EmailMessage:
        # SMTP carries CRLF line ends; a mail reader turns them into its own.
        parsed = message_from_bytes(self.raw.replace(b"\r\n", b"\n"), policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class Recorder:
    """An aiosmtpd handler that keeps every envelope and can refuse recipients."""

    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    password: str = PASSWORD

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 Không có hộp thư này (mailbox unavailable)"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append(
            Received(
                envelope.mail_from,
                list(envelope.rcpt_tos),
                envelope.original_content,
                session.ssl is not None,
                bool(session.authenticated),
            )
        )
        return "250 Message accepted for delivery"

    def authenticator(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        login, password = auth_data.login.decode(), auth_data.password.decode()
        self.logins.append((mechanism, login, password))
        # handled=False: aiosmtpd answers a failure itself (535).
        return AuthResult(success=(login, password) == (USER, self.password), handled=False)


class _Controller(Controller):
    """aiosmtpd's controller on a port the system chooses (port 0)."""

    def _trigger_server(self) -> None:
        assert self.server is not None
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@dataclass
class Server:
    host: str
    port: int
    handler: Recorder


@pytest.fixture
def smtp_server() -> Iterator[Callable[..., Server]]:
    """Starts an SMTP server: ``smtp_server(**aiosmtpd_options)``; all stop at the end."""
    started: list[Controller] = []

    def start(*, ssl_context: ssl.SSLContext | None = None, **options: Any) -> Server:
        handler = Recorder()
        if options.pop("authenticate", False):
            options["authenticator"] = handler.authenticator
        controller = _Controller(
            handler, hostname="127.0.0.1", port=0, ssl_context=ssl_context, **options
        )
        controller.start()
        started.append(controller)
        return Server("127.0.0.1", controller.port, handler)

    yield start
    for controller in started:
        controller.stop()


@dataclass
class Certificate:
    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, self.key)
        return context


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    """A self-signed certificate for 127.0.0.1 and localhost (made with openssl)."""
    openssl = shutil.which("openssl")
    if openssl is None:  # pragma: no cover - the development machines have it
        pytest.skip("the TLS tests need the openssl binary to make their certificate")
    where = tmp_path_factory.mktemp("tls")
    cert, key = where / "cert.pem", where / "key.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=tuyentruyen-email test/O=Ban Tuyen giao (test)",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return Certificate(cert, key)


@pytest.fixture
def contacts(tmp_path: Path) -> Path:
    path = tmp_path / "lien-he.toml"
    path.write_text(CONTACTS, encoding="utf-8")
    return path


@pytest.fixture
def config(contacts: Path) -> dict[str, Any]:
    """A valid ``[notify.email]`` table, without host and port."""
    return {"host": "127.0.0.1", "sender": SENDER, "contacts": str(contacts)}
