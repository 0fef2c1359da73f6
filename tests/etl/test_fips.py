import pytest

from etl.settings import REPO_ROOT
from etl.sources.fips import CROSSWALK, crosswalk, fips_to_iso3, is_known

ISO_TABLE = REPO_ROOT / "etl" / "tag" / "data" / "countries.tsv"


@pytest.mark.parametrize(
    "fips,iso3",
    [
        # the codes the issue names: FIPS and ISO disagree on most of them
        ("RS", "RUS"),  # ISO RS is Serbia
        ("KN", "PRK"),  # ISO KN is Saint Kitts and Nevis
        ("KS", "KOR"),
        ("CH", "CHN"),  # ISO CH is Switzerland
        ("ID", "IDN"),
        ("UK", "GBR"),
        ("AS", "AUS"),  # ISO AS is American Samoa
        ("SZ", "CHE"),
        ("GM", "DEU"),
        ("UP", "UKR"),
        ("JA", "JPN"),
        ("TU", "TUR"),
        ("IS", "ISR"),
        ("EI", "IRL"),
        ("NI", "NGA"),
        ("BM", "MMR"),
        # special cases documented in the table's header
        ("GZ", "PSE"),
        ("WE", "PSE"),
        ("KV", "XKX"),
        ("OD", "SSD"),
        ("RI", "SRB"),
        ("RB", "SRB"),  # GDELT still writes the interim code ("Serb" in the 2023 sample)
        ("SV", "SJM"),
        ("JN", "SJM"),
        ("WQ", "UMI"),
    ],
)
def test_fips_codes_map_to_iso3(fips, iso3):
    assert fips_to_iso3(fips) == iso3


def test_codes_are_read_case_and_space_insensitively():
    assert fips_to_iso3(" rs ") == "RUS"


def test_known_codes_without_an_iso_country_map_to_none():
    for code in ("OS", "PF", "PG", "AX", "DX", "YI", "NT"):
        assert fips_to_iso3(code) is None and is_known(code), code


def test_unknown_codes_are_not_guessed():
    assert fips_to_iso3("XX") is None and not is_known("XX")
    assert fips_to_iso3("") is None


def test_every_mapped_code_is_a_country_the_database_knows():
    known = {
        line.split("\t")[1]
        for line in ISO_TABLE.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith(("#", "iso2"))
    }
    mapped = {iso3 for iso3 in crosswalk().values() if iso3}
    assert mapped <= known, mapped - known


def test_the_table_lists_each_fips_code_once():
    rows = [
        line.split("\t")[0]
        for line in CROSSWALK.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ][1:]
    assert len(rows) == len(set(rows)) == len(crosswalk())
    assert all(len(code) == 2 and code.isupper() for code in rows)
