"""Reading OECD ICIO tables in the CSV layout of the 2021 edition."""

import re

import numpy as np
import pandas as pd
import pytest

from dagster_project.releases import oecd_icio
from dagster_project.releases.io_table import IoInputError
from tests.helpers.wiod_sample import sample_icio, write_icio_csv


def test_csv_is_read_cell_for_cell(tmp_path):
    sample = sample_icio(2018)
    write_icio_csv(tmp_path, sample)
    table = oecd_icio.read_year(tmp_path, 2018)
    assert table.classification == "oecd_icio" and table.year == 2018
    assert table.countries == ("KOR", "USA", "ROW") and table.industries == oecd_icio.INDUSTRY_CODES
    assert table.final_uses == ("HFCE", "NPISH", "GGFC", "GFCF", "INVNT", "DPABR")
    np.testing.assert_array_equal(table.inter, sample.inter)
    np.testing.assert_array_equal(table.final, sample.final)
    np.testing.assert_allclose(table.output, sample.output, rtol=1e-12)


def test_flows_carry_the_icio_codes(tmp_path):
    sample = sample_icio(2018)
    write_icio_csv(tmp_path, sample)
    flows = oecd_icio.read_year(tmp_path, 2018).flows_frame()
    cell = flows.query("row_country == 'USA' and row_industry == 'D62T63' and col_country == 'KOR' and col_use == 'D26'")
    assert cell["value_usd_m"].item() == sample.inter[sample.position("USA", "D62T63"), sample.position("KOR", "D26")]
    final = flows.query("row_country == 'KOR' and row_industry == 'D29' and col_country == 'ROW' and col_use == 'GFCF'")
    assert final["value_usd_m"].item() == sample.final[sample.position("KOR", "D29"), 2 * 6 + 3]


def test_china_and_mexico_splits_are_added_into_chn_and_mex(tmp_path):
    countries = ("CHN", "MEX", "USA", "ROW", "CN1", "CN2", "MX1", "MX2")
    sample = sample_icio(2016, countries)
    write_icio_csv(tmp_path, sample, final_countries=("CHN", "MEX", "USA", "ROW"))
    table = oecd_icio.read_year(tmp_path, 2016)
    assert table.countries == ("CHN", "MEX", "USA", "ROW")

    n = len(oecd_icio.INDUSTRY_CODES)
    merge = np.zeros((len(countries), 4))  # economy of the file -> economy of the table
    for k, c in enumerate(countries):
        merge[k, {"CN1": 0, "CN2": 0, "MX1": 1, "MX2": 1}.get(c, k)] = 1
    s = np.kron(merge, np.eye(n))  # (8n, 4n)
    final_kept = np.concatenate([np.arange(k * 6, k * 6 + 6) for k in range(4)])
    np.testing.assert_allclose(table.inter, s.T @ sample.inter @ s, rtol=1e-12)
    np.testing.assert_allclose(table.final, s.T @ sample.final[:, final_kept], rtol=1e-12)
    expected_output = s.T @ (sample.inter.sum(axis=1) + sample.final[:, final_kept].sum(axis=1))
    np.testing.assert_allclose(table.output, expected_output, rtol=1e-12)


def test_gross_output_falls_back_to_the_out_row(tmp_path):
    sample = sample_icio(2018)
    write_icio_csv(tmp_path, sample, output_column=False)
    np.testing.assert_allclose(oecd_icio.read_year(tmp_path, 2018).output, sample.output, rtol=1e-12)


def test_industry_labels_without_the_d_are_the_same_industries(tmp_path):
    sample = sample_icio(2018)
    path = write_icio_csv(tmp_path, sample)
    path.write_text(re.sub(r"_D(\d)", r"_\1", path.read_text()))  # AUS_01T02, the DPABR column kept
    np.testing.assert_array_equal(oecd_icio.read_year(tmp_path, 2018).inter, sample.inter)


def test_the_latest_edition_of_a_year_is_read(tmp_path):
    write_icio_csv(tmp_path, sample_icio(2018, seed=1), edition=2018)
    latest = sample_icio(2018, seed=2)
    write_icio_csv(tmp_path, latest, edition=2021)
    write_icio_csv(tmp_path, sample_icio(2015), edition=2021)
    assert oecd_icio.available_years(tmp_path) == [2015, 2018]
    np.testing.assert_array_equal(oecd_icio.read_year(tmp_path, 2018).inter, latest.inter)


def test_an_industry_of_another_edition_is_refused_with_what_to_do(tmp_path):
    path = write_icio_csv(tmp_path, sample_icio(2018))
    path.write_text(path.read_text().replace("_D01T02", "_A01_02"))
    with pytest.raises(IoInputError, match="A01_02 is not an industry of the ICIO 2021 edition.*oecd_icio.INDUSTRY_CODES"):
        oecd_icio.read_year(tmp_path, 2018)


def test_labels_that_are_neither_cells_nor_totals_are_named(tmp_path):
    path = write_icio_csv(tmp_path, sample_icio(2018))
    frame = pd.read_csv(path, index_col=0)
    frame = pd.concat([frame, pd.DataFrame({"SOMETHING ELSE": 0.0}, index=frame.index)], axis=1)
    frame.to_csv(path)
    with pytest.raises(IoInputError, match="column label.*SOMETHING ELSE"):
        oecd_icio.read_year(tmp_path, 2018)


def test_a_missing_final_demand_column_is_named(tmp_path):
    path = write_icio_csv(tmp_path, sample_icio(2018))
    pd.read_csv(path, index_col=0).drop(columns=["USA_DPABR"]).to_csv(path)
    with pytest.raises(IoInputError, match="final-use column USA DPABR is missing"):
        oecd_icio.read_year(tmp_path, 2018)


def test_negative_direct_purchases_abroad_pass_but_negative_household_consumption_does_not(tmp_path):
    sample = sample_icio(2018)
    sample.final[5, 5] = -2.0  # KOR D10T12 -> KOR DPABR
    write_icio_csv(tmp_path, sample)
    oecd_icio.read_year(tmp_path, 2018)
    sample.final[5, 0] = -2.0  # KOR D10T12 -> KOR HFCE
    write_icio_csv(tmp_path, sample)
    with pytest.raises(IoInputError, match=r"row 6 \(KOR D10T12\), column 1 \(KOR HFCE\) is negative"):
        oecd_icio.read_year(tmp_path, 2018)


def test_a_blank_cell_is_refused_with_its_place(tmp_path):
    path = write_icio_csv(tmp_path, sample_icio(2018))
    frame = pd.read_csv(path, index_col=0)
    frame.loc["USA_D20", "KOR_D26"] = np.nan
    frame.to_csv(path)
    with pytest.raises(IoInputError, match="missing or non-numeric value at row USA_D20, column KOR_D26"):
        oecd_icio.read_year(tmp_path, 2018)


def test_missing_year_says_where_it_looked(tmp_path):
    with pytest.raises(IoInputError, match=r"no ICIO\*_2018.csv"):
        oecd_icio.read_year(tmp_path, 2018)
