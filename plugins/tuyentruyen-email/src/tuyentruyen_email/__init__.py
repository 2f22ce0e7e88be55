"""tuyentruyen-email: the ``email`` notification backend of tuyentruyen.

Each :class:`~tuyentruyen.notify.Message` becomes one email per recipient unit, sent to
the unit's addresses from a contacts file, over SMTP (``smtplib`` and ``email`` of the
standard library). Configured by the ``[notify.email]`` table::

    [notify.email]
    host = "smtp.example.vn"
    security = "starttls"            # or "ssl", or "none"
    username = "thongbao@example.vn"
    password_env = "TUYENTRUYEN_SMTP_PASSWORD"
    sender = "Ban Tuyên giáo Tỉnh ủy <thongbao@example.vn>"
    contacts = "lien-he.toml"

tuyentruyen finds it through its entry point (pyproject.toml)::

    [project.entry-points.tuyentruyen]
    email = "tuyentruyen_email"

A unit without an address in the contacts is skipped with a warning. A failed
:meth:`EmailNotifier.send` raises and the deliverer tries the message again later; the
retry skips the units the server already accepted (remembered in memory, and across
processes with ``journal``). Delivery is still at least once: a unit's email carries
the same ``Message-ID`` on every attempt, so mail systems and readers can drop a copy
delivered twice. docs/email.md describes it all.
"""

from __future__ import annotations

import base64
import difflib
import hashlib
import logging
import os
import re
import smtplib
import sqlite3
import ssl
import threading
import time
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from typing import Any

from tuyentruyen import TuyenTruyenError, hookimpl
from tuyentruyen.hookspecs import NotifierFactory
from tuyentruyen.notify import Message

__all__ = [
    "DEFAULT_PORTS",
    "JOURNAL_DAYS",
    "LOGGER",
    "SECURITY",
    "Contact",
    "EmailConfigError",
    "EmailDeliveryError",
    "EmailNotifier",
    "SentJournal",
    "load_contacts",
    "parse_address",
    "register_notifiers",
]
__version__ = "0.1.0"

#: The logger this plugin writes to.
LOGGER = "tuyentruyen_email"
log = logging.getLogger(LOGGER)

#: The values of ``security``: how the connection to the SMTP server is protected.
SECURITY = ("starttls", "ssl", "none")
#: The port used when the configuration names none, by ``security``.
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}

_TABLE = "[notify.email]"
_KEYS = (
    "host",
    "port",
    "security",
    "username",
    "password_env",
    "sender",
    "contacts",
    "timeout",
    "ca_file",
    "verify",
    "journal",
)
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# An address as this plugin accepts it: no spaces, quotes, brackets or separators, one
# "@" between a non-empty local part and a domain (internationalised domains are turned
# into their ASCII form first; local parts must be ASCII).
_ADDR_SPEC = re.compile(r"[^@\s<>()\[\],;:\"\\]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?")
_NAMED = re.compile(r"(?P<name>.*)<(?P<addr>[^<>]*)>\s*", re.S)
# How many messages a notifier without a journal remembers (see EmailNotifier.send).
_REMEMBERED = 10_000
#: Days a journal keeps what it recorded.
JOURNAL_DAYS = 30


class EmailConfigError(TuyenTruyenError, ValueError):
    """The ``[notify.email]`` table or the contacts file is wrong; says which key."""


class EmailDeliveryError(TuyenTruyenError):
    """A message could not be delivered to some or all of its units.

    Attributes:
        message_id: the id of the message.
        delivered: units whose email the server accepted in this attempt or before.
        failed: units whose email was not (yet) accepted.
    """

    def __init__(
        self,
        en: str,
        vi: str,
        *,
        message_id: str,
        delivered: Sequence[str] = (),
        failed: Sequence[str] = (),
    ) -> None:
        super().__init__(en, vi)
        self.message_id = message_id
        self.delivered = tuple(delivered)
        self.failed = tuple(failed)


@dataclass(frozen=True)
class Contact:
    """Where a unit's email goes: one or more addresses (with display names)."""

    unit: str
    addresses: tuple[Address, ...]


def _config_error(key: str, en: str, vi: str, where: str = _TABLE) -> EmailConfigError:
    return EmailConfigError(f"{where} {key}: {en}", f"{where} {key}: {vi}")


def _ascii_domain(domain: str) -> str:
    if domain.isascii():
        return domain
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return domain  # refused by the pattern below


def parse_address(text: str, name: str = "") -> Address:
    """An address from ``"addr@example.vn"`` or ``"Display Name <addr@example.vn>"``.

    The display name may be Vietnamese (it is encoded when the email is written);
    ``name`` gives one when ``text`` has none. An internationalised domain is turned
    into its ASCII form; the local part must be ASCII. Raises :class:`ValueError` with
    the reason for anything else.

    >>> address = parse_address("Phòng Tuyên truyền - Báo chí - Xuất bản <ttbcxb@example.vn>")
    >>> address.display_name, address.addr_spec
    ('Phòng Tuyên truyền - Báo chí - Xuất bản', 'ttbcxb@example.vn')
    >>> parse_address("thongbao@bộ.vn").addr_spec
    'thongbao@xn--b-8xm.vn'
    """
    text = text.strip()
    named = _NAMED.fullmatch(text)
    if named:
        display = named.group("name").strip()
        if len(display) >= 2 and display[0] == display[-1] == '"':
            display = display[1:-1].strip()
        addr = named.group("addr").strip()
    else:
        display, addr = "", text
    display = display or name.strip()
    if "\r" in display or "\n" in display:
        raise ValueError("a display name cannot span lines")
    local, at, domain = addr.rpartition("@")
    if not at or not local or not domain:
        raise ValueError(f"{addr!r} is not an email address (local@domain)")
    if not local.isascii():
        raise ValueError(f"{addr!r}: the part before '@' must be ASCII")
    addr = f"{local}@{_ascii_domain(domain)}"
    if not _ADDR_SPEC.fullmatch(addr):
        raise ValueError(f"{addr!r} is not an email address (local@domain)")
    try:
        return Address(display_name=display, addr_spec=addr)
    except (ValueError, IndexError) as exc:
        raise ValueError(f"{addr!r} is not an email address: {exc}") from None


def _addresses(unit: str, entry: object, where: str) -> tuple[Address, ...]:
    """The addresses of one ``[units]`` entry (a string, a list, or a table)."""
    key = f"units.{unit}"
    name = ""
    if isinstance(entry, Mapping):
        extra = sorted(set(entry) - {"name", "addresses"})
        if extra:
            raise _config_error(
                f"{key}.{extra[0]}",
                "unknown key (a unit's table has 'name' and 'addresses')",
                "khóa không hợp lệ (bảng của một đơn vị có 'name' và 'addresses')",
                where,
            )
        raw_name = entry.get("name", "")
        if not isinstance(raw_name, str):
            raise _config_error(f"{key}.name", "must be a string", "phải là một chuỗi ký tự", where)
        name = raw_name
        if "addresses" not in entry:
            raise _config_error(
                f"{key}.addresses",
                "missing: give the unit's email address or addresses",
                "thiếu: hãy ghi địa chỉ email của đơn vị",
                where,
            )
        entry = entry["addresses"]
        key += ".addresses"
    items = [entry] if isinstance(entry, str) else entry
    if not isinstance(items, list) or not items or not all(isinstance(i, str) for i in items):
        raise _config_error(
            key,
            "must be an email address or a non-empty list of addresses",
            "phải là một địa chỉ email hoặc một danh sách địa chỉ (không rỗng)",
            where,
        )
    found = []
    for item in items:
        try:
            found.append(parse_address(item, name))
        except ValueError as exc:
            raise _config_error(
                key,
                f"invalid address {item!r}: {exc}",
                f"địa chỉ email không hợp lệ {item!r}: {exc}",
                where,
            ) from None
    return tuple(found)


def load_contacts(path: str | os.PathLike[str]) -> dict[str, Contact]:
    """Read a contacts file: a TOML table ``[units]`` mapping unit id to addresses.

    An entry is an address, a list of addresses, or a table with ``addresses`` and an
    optional ``name`` (the display name of addresses that have none)::

        [units]
        btgtu = "Ban Tuyên giáo Tỉnh ủy <vanphong.btgtu@example.vn>"
        tt-bc-xb = ["ttbcxb@example.vn", "truongphong.ttbcxb@example.vn"]
        tt-th = { name = "Phòng Thông tin - Tổng hợp", addresses = ["ttth@example.vn"] }

    Raises :class:`EmailConfigError` naming the file and the entry that is wrong.
    """
    where = str(path)
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except OSError as exc:
        raise _config_error(
            "contacts",
            f"cannot read the contacts file {where!r}: {exc.strerror or exc}",
            f"không đọc được tệp danh bạ {where!r}: {exc.strerror or exc}",
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise EmailConfigError(
            f"{where}: not a valid TOML file: {exc}",
            f"{where}: không phải tệp TOML hợp lệ: {exc}",
        ) from None
    units = data.get("units")
    if not isinstance(units, dict):
        raise EmailConfigError(
            f"{where}: no [units] table mapping unit ids to email addresses",
            f"{where}: thiếu bảng [units] ghi địa chỉ email của từng đơn vị",
        )
    return {unit: Contact(unit, _addresses(unit, entry, where)) for unit, entry in units.items()}


def _one_line(text: str) -> str:
    """``text`` with every run of whitespace (line breaks included) made one space."""
    return " ".join(text.split())


def _id_part(text: str) -> str:
    """``text`` made safe for the left part of a Message-ID (at most 40 characters)."""
    safe = re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-")
    return safe[:40] or "unit"


def _choose(value: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, list(choices), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def _choose_vi(value: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, list(choices), n=1)
    return f"; có phải là {close[0]!r}?" if close else ""


class SentJournal:
    """Which units the SMTP server accepted each message for, in a SQLite file (the
    ``journal`` key), so that a retry by any later process skips them.

    Entries older than :data:`JOURNAL_DAYS` are dropped when the journal is opened.
    Raises :class:`EmailConfigError` naming ``journal`` if the file cannot be used.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        try:
            with self._db() as db:
                db.execute(
                    "CREATE TABLE IF NOT EXISTS email_sent (message_id TEXT NOT NULL,"
                    " unit TEXT NOT NULL, sent_at REAL NOT NULL,"
                    " PRIMARY KEY (message_id, unit))"
                )
                db.execute(
                    "DELETE FROM email_sent WHERE sent_at < ?",
                    (time.time() - JOURNAL_DAYS * 86400,),
                )
        except sqlite3.Error as exc:
            raise _config_error(
                "journal",
                f"cannot use {self.path!r} as the journal: {exc}",
                f"không dùng được {self.path!r} làm nhật ký gửi: {exc}",
            ) from None

    def __repr__(self) -> str:
        return f"SentJournal({self.path!r})"

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        # One connection per use: several deliverer threads and processes share the file.
        with closing(sqlite3.connect(self.path, timeout=30)) as db, db:
            yield db

    def served(self, message_id: str) -> set[str]:
        """The units already served with ``message_id``."""
        with self._db() as db:
            rows = db.execute("SELECT unit FROM email_sent WHERE message_id = ?", (message_id,))
            return {unit for (unit,) in rows}

    def record(self, message_id: str, unit: str) -> None:
        """Note that the server accepted ``message_id``'s email to ``unit``."""
        with self._db() as db:
            db.execute(
                "INSERT OR IGNORE INTO email_sent (message_id, unit, sent_at) VALUES (?, ?, ?)",
                (message_id, unit, time.time()),
            )


class EmailNotifier:
    """The ``email`` backend: one email per recipient unit of each message.

    Build it from its configuration table with :meth:`from_config`, or directly with
    the values (``contacts`` then maps unit id to :class:`Contact`). The password is
    never an argument nor an attribute: it is read from the environment variable
    ``password_env`` each time the notifier logs in.
    """

    def __init__(
        self,
        *,
        host: str,
        sender: Address,
        contacts: Mapping[str, Contact],
        port: int | None = None,
        security: str = "starttls",
        username: str | None = None,
        password_env: str | None = None,
        timeout: float = 30.0,
        ca_file: str | None = None,
        verify: bool = True,
        journal: SentJournal | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        if security not in SECURITY:
            raise _config_error(
                "security",
                f"must be one of {', '.join(SECURITY)}, not {security!r}"
                + _choose(security, SECURITY),
                f"phải là một trong {', '.join(SECURITY)}, không phải {security!r}"
                + _choose_vi(security, SECURITY),
            )
        if (username is None) != (password_env is None):
            given, missing = (
                ("username", "password_env") if username else ("password_env", "username")
            )
            raise _config_error(
                missing,
                f"missing: {given} is set, logging in needs both username and password_env",
                f"thiếu: đã có {given}, đăng nhập cần cả username và password_env",
            )
        if username is not None and security == "none":
            raise _config_error(
                "security",
                '"none" would send the password unencrypted; use "starttls" or "ssl" to log in',
                '"none" sẽ gửi mật khẩu không mã hóa; hãy dùng "starttls" hoặc "ssl" khi đăng nhập',
            )
        if security == "none" and (ca_file is not None or not verify):
            key = "ca_file" if ca_file is not None else "verify"
            raise _config_error(
                key,
                'applies to "starttls" and "ssl" only, security is "none"',
                'chỉ dùng với "starttls" và "ssl", security đang là "none"',
            )
        self.host = host
        self.port = DEFAULT_PORTS[security] if port is None else port
        self.security = security
        self.username = username
        self.password_env = password_env
        self.sender = sender
        self.contacts = dict(contacts)
        self.timeout = timeout
        self.ca_file = ca_file
        self.verify = verify
        source = os.environ if environ is None else environ

        def getenv(name: str) -> str | None:
            # A closure, not the mapping itself: vars() and debuggers show no passwords.
            return source.get(name)

        self._getenv = getenv
        self.journal = journal
        # Without a journal: the units served, per message id, of the last messages.
        self._served: dict[str, set[str]] = {}
        self._lock = threading.Lock()
        if password_env is not None:
            self._password()  # a missing variable is a configuration error: say it now
        if security != "none" and not verify:
            log.warning("%s verify = false: the certificate of %s is not checked", _TABLE, host)

    def __repr__(self) -> str:
        login = f", username={self.username!r}, password_env={self.password_env!r}"
        return (
            f"EmailNotifier(host={self.host!r}, port={self.port}, "
            f"security={self.security!r}{login if self.username else ''}, "
            f"sender={str(self.sender)!r}, units={len(self.contacts)})"
        )

    # --- building ----------------------------------------------------------------

    @classmethod
    def from_config(
        cls, config: Mapping[str, Any], *, environ: Mapping[str, str] | None = None
    ) -> EmailNotifier:
        """Build the notifier from its ``[notify.email]`` table.

        Raises :class:`EmailConfigError` naming the key that is missing or wrong, in
        English and Vietnamese. ``environ`` replaces ``os.environ`` (for tests).
        """
        if "password" in config:
            raise _config_error(
                "password",
                "never write the password in the configuration file: put it in an "
                "environment variable and give that variable's name as password_env",
                "không ghi mật khẩu vào tệp cấu hình: hãy đặt mật khẩu vào một biến "
                "môi trường và ghi tên biến đó vào password_env",
            )
        for key in config:
            if key not in _KEYS:
                raise _config_error(
                    key,
                    "unknown key" + _choose(key, _KEYS),
                    "khóa không hợp lệ" + _choose_vi(key, _KEYS),
                )

        def text(key: str, *, required: bool = False) -> str | None:
            value = config.get(key)
            if value is None:
                if required:
                    raise _config_error(key, "missing", "thiếu giá trị")
                return None
            if not isinstance(value, str) or not value.strip():
                raise _config_error(
                    key, "must be a non-empty string", "phải là một chuỗi ký tự không rỗng"
                )
            return value.strip()

        host = text("host", required=True)
        assert host is not None
        security = text("security") or "starttls"
        port = config.get("port")
        if port is not None and (
            isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536
        ):
            raise _config_error(
                "port",
                f"must be a port number (1-65535), not {port!r}",
                f"phải là số cổng (1-65535), không phải {port!r}",
            )
        timeout = config.get("timeout", 30)
        if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
            raise _config_error(
                "timeout",
                f"must be a positive number of seconds, not {timeout!r}",
                f"phải là số giây lớn hơn 0, không phải {timeout!r}",
            )
        verify = config.get("verify", True)
        if not isinstance(verify, bool):
            raise _config_error(
                "verify",
                f"must be true or false, not {verify!r}",
                f"phải là true hoặc false, không phải {verify!r}",
            )
        password_env = text("password_env")
        if password_env is not None and not _ENV_NAME.fullmatch(password_env):
            raise _config_error(
                "password_env",
                f"must be the NAME of an environment variable (letters, digits, _), "
                f"not {password_env!r}",
                f"phải là TÊN của một biến môi trường (chữ, số, _), không phải {password_env!r}",
            )
        ca_file = text("ca_file")
        if ca_file is not None and not Path(ca_file).is_file():
            raise _config_error(
                "ca_file",
                f"no such file {ca_file!r}",
                f"không có tệp {ca_file!r}",
            )
        raw_sender = text("sender", required=True)
        assert raw_sender is not None
        try:
            sender = parse_address(raw_sender)
        except ValueError as exc:
            raise _config_error(
                "sender",
                f"invalid address {raw_sender!r}: {exc}",
                f"địa chỉ email không hợp lệ {raw_sender!r}: {exc}",
            ) from None
        contacts_path = text("contacts", required=True)
        assert contacts_path is not None
        journal_path = text("journal")
        return cls(
            host=host,
            port=port,
            security=security,
            username=text("username"),
            password_env=password_env,
            sender=sender,
            contacts=load_contacts(contacts_path),
            timeout=float(timeout),
            ca_file=ca_file,
            verify=verify,
            journal=None if journal_path is None else SentJournal(journal_path),
            environ=environ,
        )

    # --- writing -----------------------------------------------------------------

    def message_id(self, message: Message, unit: str) -> str:
        """The ``Message-ID`` of ``message``'s email to ``unit``: the same on every
        attempt, different for each unit."""
        digest = hashlib.sha256(f"{message.id}\n{unit}".encode()).hexdigest()[:32]
        return f"<{digest}.{_id_part(unit)}@{self.sender.domain or 'tuyentruyen.invalid'}>"

    def render(self, message: Message, unit: str) -> EmailMessage:
        """The email that ``unit`` receives for ``message``.

        Raises :class:`KeyError` if the contacts have no address for ``unit``.
        """
        contact = self.contacts[unit]
        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = contact.addresses
        email["Subject"] = _one_line(message.subject)
        email["Date"] = formatdate(localtime=True)
        email["Message-ID"] = self.message_id(message, unit)
        email["Auto-Submitted"] = "auto-generated"
        email["X-Tuyentruyen-Id"] = message.id
        email["X-Tuyentruyen-Kind"] = message.kind
        email["X-Tuyentruyen-Plan"] = message.plan
        email["X-Tuyentruyen-Unit"] = unit
        if message.task is not None:
            email["X-Tuyentruyen-Task"] = message.task
        # Quoted-printable keeps the body 7-bit (any relay takes it) and the ASCII of
        # it (numbers, ids, links) readable in the raw email.
        email.set_content(message.body, cte="quoted-printable")
        email["Content-Language"] = message.lang  # after set_content, which clears Content-*
        return email

    def recipients(self, message: Message) -> list[str]:
        """The units of ``message`` that will get an email, in order, each once.

        A unit without an address in the contacts is left out with a warning; raises
        :class:`EmailDeliveryError` if that leaves none.
        """
        units = list(dict.fromkeys(message.units))
        missing = [u for u in units if u not in self.contacts]
        for unit in missing:
            log.warning(
                "message %s: unit %r has no address in the contacts; it gets no email",
                message.id,
                unit,
            )
        found = [u for u in units if u in self.contacts]
        if not found:
            names = ", ".join(units) or "-"
            raise EmailDeliveryError(
                f"message {message.id}: none of its units has an address in the "
                f"contacts ({names}); add them to the contacts file",
                f"thông báo {message.id}: không đơn vị nhận nào có địa chỉ email trong "
                f"danh bạ ({names}); hãy bổ sung vào tệp danh bạ",
                message_id=message.id,
                failed=units,
            )
        return found

    # --- sending -----------------------------------------------------------------

    def _password(self) -> str:
        assert self.password_env is not None
        value = self._getenv(self.password_env)
        if not value:
            raise _config_error(
                "password_env",
                f"the environment variable {self.password_env} is not set: it must hold "
                "the SMTP password",
                f"biến môi trường {self.password_env} chưa được đặt: biến này phải chứa "
                "mật khẩu SMTP",
            )
        return value

    def _tls(self) -> ssl.SSLContext:
        context = ssl.create_default_context(cafile=self.ca_file)
        if not self.verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return context

    def _login(self, smtp: smtplib.SMTP, username: str, password: str) -> None:
        """Log in; credentials beyond ASCII go as UTF-8 with AUTH PLAIN (RFC 4616)."""
        if username.isascii() and password.isascii():
            smtp.login(username, password)
            return
        # smtplib encodes credentials as ASCII only (and its UnicodeEncodeError would
        # quote a character of the password): send PLAIN ourselves.
        offered = smtp.esmtp_features.get("auth", "").upper().split()
        if "PLAIN" not in offered:
            raise _config_error(
                "password_env",
                f"the password in {self.password_env} (or the username) has non-ASCII "
                f"characters, which only AUTH PLAIN can send, and {self.host} does not "
                f"offer it (it offers: {' '.join(offered) or '-'})",
                f"mật khẩu trong {self.password_env} (hoặc tên đăng nhập) có ký tự ngoài "
                f"ASCII, chỉ gửi được bằng AUTH PLAIN mà {self.host} không hỗ trợ "
                f"(máy chủ hỗ trợ: {' '.join(offered) or '-'})",
            )
        token = f"\0{username}\0{password}".encode()
        code, reply = smtp.docmd("AUTH", "PLAIN " + base64.b64encode(token).decode("ascii"))
        if code != 235:
            raise smtplib.SMTPAuthenticationError(code, reply)

    def _connect(self) -> smtplib.SMTP:
        """An open, secured and logged-in connection."""
        smtp: smtplib.SMTP
        if self.security == "ssl":
            smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=self._tls())
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            smtp.ehlo()
            if self.security == "starttls":
                # Refuses (SMTPNotSupportedError) a server that does not offer STARTTLS:
                # never falls back to an unencrypted connection.
                smtp.starttls(context=self._tls())
                smtp.ehlo()
            if self.username is not None:
                self._login(smtp, self.username, self._password())
        except BaseException:
            smtp.close()
            raise
        return smtp

    def _failure(
        self, message: Message, done: Sequence[str], failed: Sequence[str], exc: BaseException
    ) -> EmailDeliveryError:
        where = f"{self.host}:{self.port}"
        sent_en = f"; sent to {', '.join(done)}" if done else ""
        sent_vi = f"; đã gửi cho {', '.join(done)}" if done else ""
        return EmailDeliveryError(
            f"message {message.id}: email to {', '.join(failed)} failed via {where}: "
            f"{exc!r}{sent_en}; it will be retried",
            f"thông báo {message.id}: gửi email cho {', '.join(failed)} qua {where} "
            f"không thành công: {exc!r}{sent_vi}; sẽ gửi lại sau",
            message_id=message.id,
            delivered=done,
            failed=failed,
        )

    def _served_units(self, message_id: str) -> set[str]:
        with self._lock:
            served = set(self._served.get(message_id, ()))
        if self.journal is not None:
            served |= self.journal.served(message_id)
        return served

    def _remember(self, message_id: str, unit: str) -> None:
        with self._lock:
            self._served.setdefault(message_id, set()).add(unit)
            while len(self._served) > _REMEMBERED:
                del self._served[next(iter(self._served))]
        if self.journal is not None:
            try:
                self.journal.record(message_id, unit)
            except sqlite3.Error as exc:  # the email went: never fail the send for this
                log.error(
                    "message %s: unit %r: cannot write the journal %s: %r",
                    message_id,
                    unit,
                    self.journal.path,
                    exc,
                )

    def send(self, message: Message) -> None:
        """Send ``message``: one email to each of its units, over one connection.

        Units without an address are skipped with a warning (raises
        :class:`EmailDeliveryError` if none has one). Any SMTP failure raises
        :class:`EmailDeliveryError` naming the units served and those not, so the
        deliverer retries later.

        A unit the server accepted the message for is not sent it again: this notifier
        remembers the last messages it sent, and with a ``journal`` every process does,
        so a retry sends only what is missing. Delivery is still at least once (the
        server may take an email and the connection drop before it says so, or a
        process die before it notes it): the ``Message-ID`` is the same on every
        attempt, for de-duplication.
        """
        units = self.recipients(message)
        try:
            served = self._served_units(message.id)
        except sqlite3.Error as exc:
            raise self._failure(message, [], units, exc) from exc
        todo = [u for u in units if u not in served]
        if len(todo) < len(units):
            log.info(
                "message %s: already sent to %s; sending to %s",
                message.id,
                ", ".join(u for u in units if u in served),
                ", ".join(todo) or "-",
            )
        if not todo:
            return
        done: list[str] = []
        failed: list[str] = []
        first: BaseException | None = None
        try:
            smtp = self._connect()
        except TuyenTruyenError:
            raise
        except (smtplib.SMTPException, OSError) as exc:
            raise self._failure(message, [], todo, exc) from exc
        try:
            for k, unit in enumerate(todo):
                email = self.render(message, unit)
                to = [a.addr_spec for a in self.contacts[unit].addresses]
                try:
                    refused = smtp.send_message(email, self.sender.addr_spec, to)
                except (
                    smtplib.SMTPRecipientsRefused,
                    smtplib.SMTPSenderRefused,
                    smtplib.SMTPDataError,
                ) as exc:
                    # The server refused this email; the connection is still usable.
                    failed.append(unit)
                    first = first or exc
                    continue
                except (smtplib.SMTPException, OSError) as exc:
                    # The connection is lost: the rest cannot be sent now.
                    failed.extend(todo[k:])
                    first = first or exc
                    break
                done.append(unit)
                self._remember(message.id, unit)
                for addr, (code, reply) in refused.items():
                    log.warning(
                        "message %s: unit %r: the server refused %s (%s %r); the unit's "
                        "other addresses got the email",
                        message.id,
                        unit,
                        addr,
                        code,
                        reply,
                    )
        finally:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()
        if failed:
            assert first is not None
            delivered = [u for u in units if u in served or u in done]
            raise self._failure(message, delivered, failed, first) from first
        log.info("message %s: sent to %s", message.id, ", ".join(done))


@hookimpl
def register_notifiers(register: Callable[[str, NotifierFactory], None]) -> None:
    """Offer the ``email`` backend (``[notify.email]``)."""
    register("email", EmailNotifier.from_config)
