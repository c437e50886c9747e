"""The Atlas's published ECI and PCI: skipped rows, vintages, bad files."""

from __future__ import annotations

import pytest

from vinculo.evidence.sources.atlas_rankings import STAGED, import_eci, import_pci
from vinculo.evidence.store import EvidenceError, EvidenceStore

CURRENT = "year,country_code,country_name,country_id,legacy_location_id,hs_eci\n"


@pytest.fixture
def store(tmp_path):
    with EvidenceStore(tmp_path / "evidence.duckdb") as opened:
        yield opened


def test_zero_means_not_ranked_and_ans_is_not_a_place(store, tmp_path):
    path = tmp_path / "eci.csv"
    path.write_text(
        CURRENT + "1995,MEX,Mexico,484,1,0\n2016,MEX,Mexico,484,1,1.146593\n"
        "2016,ANS,Undeclared,0,0,0.5\n2016,JPN,Japan,392,2,2.62\n2016,CHE,Switzerland,756,3,\n"
    )
    result = import_eci(
        store, path, column="hs_eci", indicator="atlas_eci_hs92", vintage="v", zero_is_missing=True
    )
    assert result.rows == 2
    rows = store.rows("country_indicators").sort_values("country")
    assert rows[["year", "country", "value"]].values.tolist() == [
        [2016, "JPN", 2.62],
        [2016, "MEX", 1.146593],
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (CURRENT + "2016,MXX,Mexico,484,1,1.1\n", r"line 2, column 'country_code': unknown iso3"),
        (CURRENT + "2016,MEX,Mexico,484,1,high\n", r"line 2, column 'hs_eci': not a number"),
        (CURRENT + "2016,MEX,M,484,1,1.1\n2016,MEX,M,484,1,1.2\n", "appears twice"),
        ("year,iso,hs_eci\n2016,MEX,1\n", r"column\(s\) \['country_code'\] not found"),
    ],
)
def test_bad_eci_files_change_nothing(store, tmp_path, content, message):
    path = tmp_path / "eci.csv"
    path.write_text(content)
    with pytest.raises(EvidenceError, match=message):
        import_eci(store, path, column="hs_eci", indicator="atlas_eci_hs92", vintage="v")
    assert store.datasets().empty


def test_pci_keeps_product_codes_as_text(store, tmp_path):
    path = tmp_path / "pci.csv"
    path.write_text(
        "year,hs_product_code,name_short_en,product_complexity_index\n"
        "2016,0101,Horses,-0.5\n2016,8507,Batteries,1.25\n"
    )
    assert import_pci(store, path).rows == 2
    rows = store.rows("product_indicators")
    assert rows.set_index("product")["value"].to_dict() == {"0101": -0.5, "8507": 1.25}
    assert set(rows["classification"]) == {"hs92"}


def test_the_previous_release_is_imported_first():
    assert [p.rsplit("/", 1)[1] for p, _ in STAGED][:2] == [
        "eci_hs92_1994_2021_prev_release.csv",
        "eci_hs92_1995_2022.csv",
    ]
