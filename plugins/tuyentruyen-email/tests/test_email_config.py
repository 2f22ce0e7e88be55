"""The ``[notify.email]`` table, the contacts file and the emails written (no server)."""

from __future__ import annotations

import logging
import sqlite3
import time
from contextlib import closing
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from email_samples import BODY, PASSWORD, SENDER, SUBJECT, decoded, make_message
from hypothesis import given
from hypothesis import strategies as st
from tuyentruyen_email import (
    JOURNAL_DAYS,
    Contact,
    EmailConfigError,
    EmailDeliveryError,
    EmailNotifier,
    SentJournal,
    load_contacts,
    parse_address,
)

from tuyentruyen import TuyenTruyenError


def parsed(email: EmailMessage) -> EmailMessage:
    """``email`` as a reader gets it: written to bytes and read back."""
    back = message_from_bytes(email.as_bytes(), policy=policy.default)
    assert isinstance(back, EmailMessage)
    return back


def error(config: dict[str, Any], **env: str) -> EmailConfigError:
    with pytest.raises(EmailConfigError) as info:
        EmailNotifier.from_config(config, environ=env)
    assert isinstance(info.value, TuyenTruyenError)
    return info.value


# --- the configuration table ------------------------------------------------------


@pytest.mark.parametrize(("security", "port"), [("starttls", 587), ("ssl", 465), ("none", 25)])
def test_default_port_follows_security(config: dict[str, Any], security: str, port: int) -> None:
    notifier = EmailNotifier.from_config({**config, "security": security})
    assert (notifier.security, notifier.port, notifier.timeout) == (security, port, 30.0)


def test_default_security_is_starttls(config: dict[str, Any]) -> None:
    assert EmailNotifier.from_config(config).security == "starttls"


@pytest.mark.parametrize("key", ["host", "sender", "contacts"])
def test_a_missing_required_key_is_named(config: dict[str, Any], key: str) -> None:
    del config[key]
    exc = error(config)
    assert str(exc) == f"[notify.email] {key}: missing"
    assert exc.message("vi") == f"[notify.email] {key}: thiếu giá trị"


def test_a_password_in_the_file_is_refused(config: dict[str, Any]) -> None:
    exc = error({**config, "username": "u", "password": PASSWORD})
    assert "password_env" in exc.en
    assert "password_env" in exc.vi
    assert PASSWORD not in exc.en + exc.vi
    assert "không ghi mật khẩu vào tệp cấu hình" in exc.vi


def test_an_unknown_key_is_named_with_the_closest(config: dict[str, Any]) -> None:
    exc = error({**config, "username": "u", "pasword_env": "X"})
    assert exc.en == "[notify.email] pasword_env: unknown key; did you mean 'password_env'?"
    assert exc.vi == "[notify.email] pasword_env: khóa không hợp lệ; có phải là 'password_env'?"


def test_a_missing_password_variable_is_named(config: dict[str, Any]) -> None:
    exc = error({**config, "username": "u", "password_env": "TT_SMTP_PASSWORD"})
    assert "environment variable TT_SMTP_PASSWORD is not set" in exc.en
    assert "biến môi trường TT_SMTP_PASSWORD chưa được đặt" in exc.vi
    assert exc.en.startswith("[notify.email] password_env:")


def test_password_env_holds_a_name_not_a_password(config: dict[str, Any]) -> None:
    exc = error({**config, "username": "u", "password_env": PASSWORD})
    assert "NAME of an environment variable" in exc.en
    assert "TÊN của một biến môi trường" in exc.vi


@pytest.mark.parametrize(
    ("extra", "key"),
    [
        ({"username": "u"}, "password_env"),
        ({"password_env": "X"}, "username"),
    ],
)
def test_logging_in_needs_both(config: dict[str, Any], extra: dict[str, str], key: str) -> None:
    assert error({**config, **extra}, X="x").en.startswith(f"[notify.email] {key}: missing")


def test_no_password_over_an_unencrypted_connection(config: dict[str, Any]) -> None:
    exc = error({**config, "security": "none", "username": "u", "password_env": "X"}, X=PASSWORD)
    assert exc.en.startswith("[notify.email] security:")
    assert "không mã hóa" in exc.vi


@pytest.mark.parametrize(
    ("key", "value", "en"),
    [
        ("security", "tls", "must be one of starttls, ssl, none, not 'tls'"),
        ("security", "startls", "did you mean 'starttls'?"),
        ("port", 0, "must be a port number"),
        ("port", "587", "must be a port number"),
        ("port", True, "must be a port number"),
        ("timeout", 0, "positive number of seconds"),
        ("timeout", "30", "positive number of seconds"),
        ("verify", "no", "must be true or false"),
        ("host", "", "must be a non-empty string"),
        ("host", 25, "must be a non-empty string"),
        ("sender", "Ban Tuyên giáo", "invalid address"),
        ("sender", "Ban <thong bao@example.vn>", "invalid address"),
        ("sender", "Ban <thôngbáo@example.vn>", "must be ASCII"),
        ("ca_file", "/no/such/ca.pem", "no such file"),
        ("contacts", "/no/such/lien-he.toml", "cannot read the contacts file"),
    ],
)
def test_a_wrong_value_is_named(config: dict[str, Any], key: str, value: object, en: str) -> None:
    exc = error({**config, key: value})
    assert exc.en.startswith(f"[notify.email] {key}: ")
    assert exc.vi.startswith(f"[notify.email] {key}: ")
    assert en in exc.en
    assert exc.vi != exc.en


def test_tls_settings_need_tls(config: dict[str, Any], tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("")
    assert error({**config, "security": "none", "ca_file": str(ca)}).en.startswith(
        "[notify.email] ca_file:"
    )
    assert error({**config, "security": "none", "verify": False}).en.startswith(
        "[notify.email] verify:"
    )


def test_not_verifying_is_logged(config: dict[str, Any], caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="tuyentruyen_email"):
        EmailNotifier.from_config({**config, "verify": False})
    assert "verify = false" in caplog.text


def test_repr_shows_no_password(config: dict[str, Any]) -> None:
    notifier = EmailNotifier.from_config(
        {**config, "username": "u", "password_env": "TT_SMTP_PASSWORD"},
        environ={"TT_SMTP_PASSWORD": PASSWORD},
    )
    assert PASSWORD not in repr(notifier)
    assert PASSWORD not in str(vars(notifier))
    assert "password_env='TT_SMTP_PASSWORD'" in repr(notifier)


def test_journal_keeps_thirty_days(tmp_path: Path) -> None:
    path = tmp_path / "email-sent.sqlite"
    journal = SentJournal(path)
    journal.record("qn-60-nam/event/12", "tt-bc-xb")
    journal.record("qn-60-nam/event/12", "tt-bc-xb")
    journal.record("qn-60-nam/event/12", "btgtu")
    assert journal.served("qn-60-nam/event/12") == {"tt-bc-xb", "btgtu"}
    assert journal.served("qn-60-nam/event/13") == set()
    old = time.time() - (JOURNAL_DAYS + 1) * 86400
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("UPDATE email_sent SET sent_at = ? WHERE unit = 'btgtu'", (old,))
    assert SentJournal(path).served("qn-60-nam/event/12") == {"tt-bc-xb"}


def test_a_journal_that_cannot_be_used_is_named(config: dict[str, Any], tmp_path: Path) -> None:
    exc = error({**config, "journal": str(tmp_path / "no-such-dir" / "sent.sqlite")})
    assert exc.en.startswith("[notify.email] journal: cannot use")
    assert "nhật ký gửi" in exc.vi
    (tmp_path / "not-sqlite").write_text("xin chào " * 100)
    assert error({**config, "journal": str(tmp_path / "not-sqlite")}).en.startswith(
        "[notify.email] journal:"
    )


# --- the contacts file ------------------------------------------------------------


def test_contacts_forms(contacts: Path) -> None:
    found = load_contacts(contacts)
    assert sorted(found) == ["btgtu", "tt-bc-xb", "tt-th"]
    (ttbcxb,) = found["tt-bc-xb"].addresses
    assert ttbcxb.display_name == "Phòng Tuyên truyền - Báo chí - Xuất bản"
    assert ttbcxb.addr_spec == "ttbcxb@example.vn"
    assert [(a.display_name, a.addr_spec) for a in found["btgtu"].addresses] == [
        ("Ban Tuyên giáo Tỉnh ủy", "vanphong@btgtu.example.vn"),
        ("Ban Tuyên giáo Tỉnh ủy", "lanhdao@btgtu.example.vn"),
    ]
    assert [str(a) for a in found["tt-th"].addresses] == ["ttth@example.vn"]


@pytest.mark.parametrize(
    ("text", "en", "vi"),
    [
        ("[units\n", "not a valid TOML file", "không phải tệp TOML hợp lệ"),
        ("[donvi]\nbtgtu = 'a@b.vn'\n", "no [units] table", "thiếu bảng [units]"),
        ("[units]\nbtgtu = []\n", "units.btgtu: must be an email address", "units.btgtu:"),
        ("[units]\nbtgtu = 3\n", "units.btgtu: must be an email address", "units.btgtu:"),
        ("[units]\nbtgtu = 'btgtu'\n", "units.btgtu: invalid address 'btgtu'", "không hợp lệ"),
        ("[units.btgtu]\nname = 'Ban'\n", "units.btgtu.addresses: missing", "thiếu"),
        ("[units.btgtu]\nemail = 'a@b.vn'\n", "units.btgtu.email: unknown key", "không hợp lệ"),
        ("[units.btgtu]\nname = 1\naddresses = 'a@b.vn'\n", "units.btgtu.name:", "chuỗi"),
    ],
)
def test_a_wrong_contacts_file_is_named(tmp_path: Path, text: str, en: str, vi: str) -> None:
    path = tmp_path / "lien-he.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(EmailConfigError) as info:
        load_contacts(path)
    assert str(path) in info.value.en
    assert en in info.value.en
    assert vi in info.value.vi


def test_addresses() -> None:
    assert parse_address('"Viện Lịch sử Đảng, Học viện" <vlsd@example.vn>').display_name == (
        "Viện Lịch sử Đảng, Học viện"
    )
    assert parse_address("a@example.vn", "Phòng Khoa giáo").display_name == "Phòng Khoa giáo"
    assert parse_address("thongbao@bộ.vn").domain.startswith("xn--")
    for bad in ["", "a@", "@b.vn", "a b@c.vn", "a@b.vn, c@d.vn", "Tên\r\nBcc: x <a@b.vn>"]:
        with pytest.raises(ValueError, match=r"\w"):
            parse_address(bad)


# --- the emails -------------------------------------------------------------------


@pytest.fixture
def notifier(config: dict[str, Any]) -> EmailNotifier:
    return EmailNotifier.from_config(config)


def test_rendered_email(notifier: EmailNotifier) -> None:
    email = notifier.render(make_message(), "tt-bc-xb")
    raw = email.as_bytes()
    assert raw.isascii()  # subject RFC 2047, body quoted-printable: any relay takes it
    assert b"=?utf-8?" in raw
    back = parsed(email)
    assert back["Subject"] == SUBJECT
    assert back.get_content() == BODY
    assert back.get_content_type() == "text/plain"
    assert back.get_content_charset() == "utf-8"
    (sender,) = back["From"].addresses
    assert (sender.display_name, sender.addr_spec) == (
        "Ban Tuyên giáo Tỉnh ủy",
        "thongbao@btgtu.example.vn",
    )
    assert decoded(back, "To") == "Phòng Tuyên truyền - Báo chí - Xuất bản <ttbcxb@example.vn>"
    assert decoded(back, "From") == SENDER
    assert back["X-Tuyentruyen-Id"] == "qn-60-nam/due_soon/2.6/2023-09-15"
    assert back["X-Tuyentruyen-Unit"] == "tt-bc-xb"
    assert back["X-Tuyentruyen-Task"] == "2.6"
    assert back["X-Tuyentruyen-Kind"] == "due_soon"
    assert back["Auto-Submitted"] == "auto-generated"
    assert back["Content-Language"] == "vi"
    assert back["Date"] is not None


def test_message_id_is_stable_and_per_unit(notifier: EmailNotifier) -> None:
    message = make_message()
    first = notifier.render(message, "tt-bc-xb")["Message-ID"]
    assert notifier.render(make_message(), "tt-bc-xb")["Message-ID"] == first
    assert notifier.render(message, "btgtu")["Message-ID"] != first
    assert notifier.render(make_message(id="other"), "tt-bc-xb")["Message-ID"] != first
    assert first.startswith("<")
    assert first.endswith(".tt-bc-xb@btgtu.example.vn>")
    assert parsed(notifier.render(message, "tt-bc-xb"))["Message-ID"] == first


def test_no_header_injection_through_the_subject(notifier: EmailNotifier) -> None:
    email = notifier.render(make_message(subject="Nhắc việc\r\nBcc: x@example.vn"), "tt-th")
    back = parsed(email)
    assert back["Bcc"] is None
    assert back["Subject"] == "Nhắc việc Bcc: x@example.vn"


def test_units_without_address_are_skipped_with_a_warning(
    notifier: EmailNotifier, caplog: pytest.LogCaptureFixture
) -> None:
    message = make_message(units=("khoa-giao", "tt-bc-xb", "tt-bc-xb", "btgtu"))
    with caplog.at_level(logging.WARNING, logger="tuyentruyen_email"):
        assert notifier.recipients(message) == ["tt-bc-xb", "btgtu"]
    assert "'khoa-giao' has no address in the contacts" in caplog.text


def test_no_unit_with_an_address_is_an_error(notifier: EmailNotifier) -> None:
    with pytest.raises(EmailDeliveryError) as info:
        notifier.recipients(make_message(units=("khoa-giao", "tccs")))
    assert "khoa-giao, tccs" in info.value.en
    assert "không đơn vị nhận nào có địa chỉ email" in info.value.vi
    assert info.value.failed == ("khoa-giao", "tccs")


VIETNAMESE = st.text(
    alphabet=st.sampled_from(
        "aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯ0123456789 .,:;-/()«»"
        "áàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
        "ÁÀẢÃẠẮẰẲẴẶẤẦẨẪẬÉÈẺẼẸẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌỐỒỔỖỘỚỜỞỠỢÚÙỦŨỤỨỪỬỮỰÝỲỶỸỴ"
    ),
    max_size=300,
)


@given(subject=VIETNAMESE, lines=st.lists(VIETNAMESE, max_size=8))
def test_any_vietnamese_text_reads_back(subject: str, lines: list[str]) -> None:
    contacts = {"tt-th": Contact("tt-th", (parse_address("ttth@example.vn"),))}
    notifier = EmailNotifier(host="h", sender=parse_address(SENDER), contacts=contacts)
    body = "\n".join(lines) + "\n"
    back = parsed(notifier.render(make_message(subject=subject, body=body), "tt-th"))
    assert back["Subject"] == " ".join(subject.split())
    assert back.get_content() == body
