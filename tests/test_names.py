"""Name normalisation and unit matching: spellings of one unit agree, different units
stay different, and unknown names are reported with suggestions, never guessed."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuyentruyen.model import Unit
from tuyentruyen.names import NameIndex, nfc, normalize_name
from tuyentruyen.testing import strategies as tts


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


SAME = [
    # normal forms
    ("Phòng Văn hóa và Dư luận xã hội", nfd("Phòng Văn hóa và Dư luận xã hội")),
    ("Ủy ban nhân dân tỉnh", nfd("Ủy ban nhân dân tỉnh")),
    # old vs new tone placement
    ("Ủy ban", "Uỷ ban"),
    ("hòa", "hoà"),
    ("Văn hóa", "Văn hoá"),
    ("Hòa giải cơ sở", "Hoà giải cơ sở"),
    ("Sở Văn hóa và Thể thao", nfd("Sở Văn hoá và Thể thao")),
    ("thủy", "thuỷ"),
    # case
    ("Hội Nhà báo tỉnh", "HỘI NHÀ BÁO TỈNH"),
    ("Hội Nhà báo tỉnh", "hội nhà báo tỉnh"),
    ("Ủy ban", "UỶ BAN"),
    ("Đảng", "đảng"),
    # dashes and spaces
    ("Tuyên truyền - Báo chí", "Tuyên truyền–Báo chí"),
    ("Tuyên truyền - Báo chí", "Tuyên truyền — Báo chí"),
    ("Tuyên truyền - Báo chí", "Tuyên truyền-Báo chí"),
    ("Tuyên truyền - Báo chí", "Tuyên truyền \u2212 Báo chí"),
    ("Tuyên truyền - Báo chí", "  Tuyên   truyền  -  Báo chí  "),
    ("Phòng Thông tin - Tổng hợp", "Phòng Thông tin – Tổng hợp."),
    # abbreviations
    ("Ủy ban MTTQ tỉnh", "Ủy ban Mặt trận Tổ quốc tỉnh"),
    ("UBND tỉnh", "Ủy ban nhân dân tỉnh"),
    ("ubnd tỉnh", "Uỷ ban nhân dân tỉnh"),
    ("các tổ chức CT-XH", "các tổ chức chính trị - xã hội"),
    ("các tổ chức CT-XH tỉnh", "các tổ chức chính trị – xã hội tỉnh"),
    ("Ủy ban MTTQ và các tổ chức CT-XH tỉnh", "UỶ BAN MẶT TRẬN TỔ QUỐC VÀ CÁC TỔ CHỨC CT-XH TỈNH"),
    ("HĐND tỉnh", "Hội đồng nhân dân tỉnh"),
    ("Các phòng chuyên môn BTGTU", "Các phòng chuyên môn Ban Tuyên giáo Tỉnh ủy"),
    ("Sở TT&TT", "Sở Thông tin và Truyền thông"),
    # the abbreviation with a dash variant is still the abbreviation
    ("các tổ chức CT–XH", "các tổ chức chính trị - xã hội"),
]

DIFFERENT = [
    # the seed's typo names another unit; it must not silently merge
    ("Phòng Văn hóa và Dư luận xã hội", "Phòng Văn hóa và Du lịch xã hội"),
    ("Phòng Văn hóa và Dư luận xã hội", "Phòng Văn hóa và Dự luận xã hội"),
    # tones are letters, not decoration
    ("Sở", "Số"),
    ("Hội Nhà báo tỉnh", "Hội Nhà bao tỉnh"),
    ("Dư luận", "Du luận"),
    ("Phòng Tuyên truyền - Báo chí - Xuất bản", "Phòng Tuyên truyền Báo chí Xuất bản"),
    ("Sở Văn hóa và Thể thao", "Sở Thông tin và Truyền thông"),
    ("Hội Nhà báo tỉnh", "Hội Văn học nghệ thuật tỉnh"),
    ("Ủy ban nhân dân tỉnh", "Ủy ban Mặt trận Tổ quốc tỉnh"),
    ("UBND tỉnh", "HĐND tỉnh"),
    # an abbreviation inside a longer word is not expanded
    ("UBNDX tỉnh", "Ủy ban nhân dânx tỉnh"),
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_same_unit_same_key(a: str, b: str) -> None:
    assert normalize_name(a) == normalize_name(b)


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_different_units_different_keys(a: str, b: str) -> None:
    assert normalize_name(a) != normalize_name(b)


def test_key_is_nfc() -> None:
    key = normalize_name(nfd("Ủy ban Mặt trận Tổ quốc tỉnh"))
    assert unicodedata.is_normalized("NFC", key)


def test_nfc() -> None:
    assert nfc(nfd("  Văn hóa ")) == "Văn hóa"


UNITS = [
    ("tt-bc-xb", ["Phòng Tuyên truyền - Báo chí - Xuất bản", "TT-BC-XB"]),
    ("tt-th", ["Phòng Thông tin - Tổng hợp"]),
    ("vh-dlxh", ["Phòng Văn hóa và Dư luận xã hội", "Phòng Văn hóa và Dự luận xã hội"]),
    ("llct-lsd", ["Phòng Lý luận chính trị và Lịch sử Đảng"]),
    ("so-vhtt", ["Sở Văn hóa và Thể thao"]),
    ("so-tttt", ["Sở Thông tin và Truyền thông"]),
    ("mttq-tinh", ["Ủy ban Mặt trận Tổ quốc tỉnh", "Ủy ban MTTQ tỉnh"]),
    ("hnb-tinh", ["Hội Nhà báo tỉnh"]),
    ("hvhnt-tinh", ["Hội Văn học nghệ thuật tỉnh"]),
]


@pytest.fixture
def index() -> NameIndex:
    return NameIndex(UNITS)


@pytest.mark.parametrize(
    ("ref", "unit_id"),
    [
        # ids
        ("tt-bc-xb", "tt-bc-xb"),
        ("so-vhtt", "so-vhtt"),
        # names
        ("Phòng Tuyên truyền - Báo chí - Xuất bản", "tt-bc-xb"),
        ("Sở Văn hóa và Thể thao", "so-vhtt"),
        # aliases
        ("TT-BC-XB", "tt-bc-xb"),
        ("Phòng Văn hóa và Dự luận xã hội", "vh-dlxh"),
        ("Ủy ban MTTQ tỉnh", "mttq-tinh"),
        # any form of a name
        (nfd("Phòng Văn hóa và Dư luận xã hội"), "vh-dlxh"),
        (nfd("Sở Văn hoá và Thể thao"), "so-vhtt"),
        ("PHÒNG TUYÊN TRUYỀN – BÁO CHÍ — XUẤT BẢN", "tt-bc-xb"),
        ("Uỷ ban Mặt trận Tổ quốc tỉnh.", "mttq-tinh"),
        ("UỶ BAN MTTQ TỈNH", "mttq-tinh"),
        ("phòng lý luận chính trị và lịch sử đảng", "llct-lsd"),
    ],
)
def test_resolve(index: NameIndex, ref: str, unit_id: str) -> None:
    assert index.resolve(ref) == unit_id


@pytest.mark.parametrize(
    "ref",
    [
        "Phòng Văn hóa và Du lịch xã hội",  # the seed's typo is not an alias here
        "Phòng Khoa giáo",
        "Sở Giáo dục và Đào tạo",
        "",
        "tt",
        "TT-BC",
    ],
)
def test_unknown_is_none(index: NameIndex, ref: str) -> None:
    assert index.resolve(ref) is None


@pytest.mark.parametrize(
    ("typo", "unit_id"),
    [
        ("Phòng Văn hóa và Du lịch xã hội", "vh-dlxh"),
        ("Phòng Tuyên truyền - Báo chí - Xuất bả", "tt-bc-xb"),
        ("Phòng Thông tin Tổng hợp", "tt-th"),
        ("Hội Nhà báo tinh", "hnb-tinh"),
        (nfd("Sở Văn hóa và Thể thao tỉnh"), "so-vhtt"),
    ],
)
def test_closest_suggests_the_right_unit(index: NameIndex, typo: str, unit_id: str) -> None:
    assert index.resolve(typo) is None
    suggestions = index.closest(typo)
    assert suggestions
    assert len(suggestions) <= 3
    assert index.resolve(suggestions[0]) == unit_id
    for s in suggestions:  # every suggestion names a known unit, as written
        assert index.resolve(s) is not None
        assert unicodedata.is_normalized("NFC", s)


def test_closest_of_an_id_typo(index: NameIndex) -> None:
    assert index.closest("so-vhttt")[0] == "so-vhtt"


def test_closest_of_nonsense_is_empty(index: NameIndex) -> None:
    assert index.closest("xyz") == ()


def test_closest_respects_n(index: NameIndex) -> None:
    assert len(index.closest("Phòng Văn hóa", n=1)) <= 1


def test_a_name_shared_by_two_units_is_never_guessed() -> None:
    index = NameIndex([("a", ["UBND tỉnh"]), ("b", ["Ủy ban nhân dân tỉnh"])])
    assert index.resolve("Uỷ ban nhân dân tỉnh") is None
    assert index.ambiguous == {normalize_name("UBND tỉnh"): ("a", "b")}
    assert index.resolve("b") == "b"  # ids stay unambiguous
    assert index.resolve("B") == "b"  # and match without regard to case


@given(tts.unit_names(variants=True))
def test_normalize_is_idempotent(name: str) -> None:
    key = normalize_name(name)
    assert normalize_name(key) == key


@given(tts.unit_names(variants=True))
def test_normalize_ignores_normal_form_and_case(name: str) -> None:
    key = normalize_name(name)
    assert normalize_name(unicodedata.normalize("NFC", name)) == key
    assert normalize_name(unicodedata.normalize("NFD", name)) == key
    assert normalize_name(name.upper()) == key
    assert normalize_name(name.lower()) == key
    assert normalize_name(unicodedata.normalize("NFD", name.upper())) == key


@given(tts.unit_names(), tts.unit_names())
def test_distinct_generated_names_stay_distinct(a: str, b: str) -> None:
    assert (normalize_name(a) == normalize_name(b)) == (a == b)


@given(tts.units(max_size=10), st.data())
def test_index_resolves_every_generated_unit(units: tuple[Unit, ...], data: st.DataObject) -> None:
    index = NameIndex((u.id, [u.name]) for u in units)
    assert not index.ambiguous
    for u in units:
        assert index.resolve(u.id) == u.id
        assert index.resolve(u.name) == u.id
        assert index.resolve(nfd(u.name)) == u.id
        assert index.resolve(u.name.upper()) == u.id
        # any spelling the kit derives: abbreviations, tone placement, dashes, case, NFD
        spelling = data.draw(tts.unit_name_spellings(u.name))
        assert index.resolve(spelling) == u.id, spelling


@given(tts.unit_names().flatmap(lambda n: st.tuples(st.just(n), tts.unit_name_spellings(n))))
def test_every_spelling_has_the_names_key(case: tuple[str, str]) -> None:
    name, spelling = case
    assert normalize_name(spelling) == normalize_name(name), spelling
    assert unicodedata.is_normalized("NFC", normalize_name(spelling))


@given(
    tts.unit_names(),
    tts.unit_names().flatmap(lambda n: st.tuples(st.just(n), tts.unit_name_spellings(n))),
)
def test_a_spelling_matches_only_its_own_name(a: str, case: tuple[str, str]) -> None:
    name, spelling = case  # a spelling of name; different generated names are different units
    index = NameIndex([("a", [a])])
    assert (index.resolve(spelling) == "a") == (name == a), (a, spelling)
