"""Reading WIOD 2016 tables in both release layouts (RData data frame, xlsx workbook)."""

import numpy as np
import pytest
import rdata

from dagster_project.releases import wiod2016
from dagster_project.releases.io_table import IoInputError
from tests.helpers.wiod_sample import sample_wiod2016, write_wiod2016_rdata, write_wiod2016_xlsx

TEXT_COLUMNS = ("IndustryCode", "IndustryDescription", "Country")


def rewrite(path, change):
    """Read the file's data frame `wiot`, change it, and write it back as the release would."""
    frame = change(rdata.read_rda(path)["wiot"])
    rdata.write_rda(path, {"wiot": frame.astype({c: object for c in TEXT_COLUMNS})})


def assert_table_is(table, sample):
    assert table.classification == "wiod2016" and table.year == sample.year
    assert table.countries == sample.countries and table.industries == wiod2016.INDUSTRY_CODES
    assert table.final_uses == ("CONS_h", "CONS_np", "CONS_g", "GFCF", "INVEN")
    np.testing.assert_array_equal(table.inter, sample.inter)
    np.testing.assert_array_equal(table.final, sample.final)
    np.testing.assert_allclose(table.output, sample.output, rtol=1e-12)


def test_rdata_data_frame_is_read_cell_for_cell(tmp_path):
    sample = sample_wiod2016(2014)
    write_wiod2016_rdata(tmp_path, sample)
    assert_table_is(wiod2016.read_year(tmp_path, 2014), sample)


def test_xlsx_workbook_with_its_header_rows_is_read_cell_for_cell(tmp_path):
    sample = sample_wiod2016(2014)
    write_wiod2016_xlsx(tmp_path, sample)
    assert_table_is(wiod2016.read_year(tmp_path, 2014), sample)


def test_gross_output_is_the_go_row_not_a_row_sum(tmp_path):
    sample = sample_wiod2016(2014)
    path = write_wiod2016_rdata(tmp_path, sample)

    def change_go(frame):
        frame.loc[frame["IndustryCode"] == "GO", "CHE40"] = 123.5  # CHE J62_J63
        return frame

    rewrite(path, change_go)
    table = wiod2016.read_year(tmp_path, 2014)
    assert table.output[sample.position("CHE", "J62_J63")] == 123.5


def test_flows_carry_the_release_codes(tmp_path):
    sample = sample_wiod2016(2010)
    write_wiod2016_rdata(tmp_path, sample)
    flows = wiod2016.read_year(tmp_path, 2010).flows_frame()
    assert set(flows["classification"]) == {"wiod2016"}
    it_to_computers = flows.query(
        "row_country == 'CHE' and row_industry == 'J62_J63' and col_country == 'KOR' and col_use == 'C26'"
    )
    assert it_to_computers["value_usd_m"].item() == sample.inter[sample.position("CHE", "J62_J63"), sample.position("KOR", "C26")]
    government = flows.query("row_country == 'ROW' and row_industry == 'U' and col_country == 'CHE' and col_use == 'CONS_g'")
    assert government["use_type"].item() == "final"
    assert government["value_usd_m"].item() == sample.final[sample.position("ROW", "U"), 1 * 5 + 2]
    assert len(flows) == np.count_nonzero(sample.inter) + np.count_nonzero(sample.final)


def test_available_years_list_both_layouts_and_rdata_is_preferred(tmp_path):
    write_wiod2016_rdata(tmp_path, sample_wiod2016(2000))
    write_wiod2016_xlsx(tmp_path, sample_wiod2016(2001))
    write_wiod2016_xlsx(tmp_path, sample_wiod2016(2000, seed=9))
    (tmp_path / "wiod2016" / "notes.txt").write_text("not a table")
    assert wiod2016.available_years(tmp_path) == [2000, 2001]
    assert_table_is(wiod2016.read_year(tmp_path, 2000), sample_wiod2016(2000))


def test_file_whose_table_is_another_year_is_refused(tmp_path):
    sample = sample_wiod2016(2010)
    write_wiod2016_rdata(tmp_path, sample, name="WIOT2011_October16_ROW.RData")
    with pytest.raises(IoInputError, match="named for 2011 but its table says year 2010"):
        wiod2016.read_year(tmp_path, 2011)


def test_rows_out_of_order_name_the_row(tmp_path):
    sample = sample_wiod2016(2010)
    path = write_wiod2016_rdata(tmp_path, sample)
    rewrite(path, lambda frame: frame.iloc[[1, 0, *range(2, len(frame))]])
    with pytest.raises(IoInputError, match=r"row 1 is \('KOR', 'A02'\), expected \('KOR', 'A01'\)"):
        wiod2016.read_year(tmp_path, 2010)


def test_a_missing_final_use_column_is_named(tmp_path):
    sample = sample_wiod2016(2010)
    path = write_wiod2016_rdata(tmp_path, sample)
    rewrite(path, lambda frame: frame.drop(columns=["CHE61"]))
    with pytest.raises(IoInputError, match="final-use column CHE INVEN is missing"):
        wiod2016.read_year(tmp_path, 2010)


def test_a_table_without_the_go_row_is_refused(tmp_path):
    sample = sample_wiod2016(2010)
    path = write_wiod2016_rdata(tmp_path, sample)
    rewrite(path, lambda frame: frame[frame["IndustryCode"] != "GO"])
    with pytest.raises(IoInputError, match="no GO row"):
        wiod2016.read_year(tmp_path, 2010)


def test_negative_household_consumption_is_refused_but_inventory_change_is_not(tmp_path):
    sample = sample_wiod2016(2010)
    sample.final[0, 4] = -3.5  # KOR A01 -> KOR INVEN: allowed
    write_wiod2016_xlsx(tmp_path, sample)
    wiod2016.read_year(tmp_path, 2010)
    sample.final[0, 0] = -3.5  # KOR A01 -> KOR CONS_h
    write_wiod2016_xlsx(tmp_path, sample)
    with pytest.raises(IoInputError, match=r"row 1 \(KOR A01\), column 1 \(KOR CONS_h\) is negative"):
        wiod2016.read_year(tmp_path, 2010)


def test_unreadable_files_name_themselves(tmp_path):
    path = write_wiod2016_rdata(tmp_path, sample_wiod2016(2010))
    path.write_bytes(path.read_bytes()[:300])
    with pytest.raises(IoInputError, match=rf"{path}: not a readable RData file"):
        wiod2016.read_year(tmp_path, 2010)
    xlsx = tmp_path / "wiod2016" / "WIOT2011_Nov16_ROW.xlsx"
    xlsx.write_text("this is no workbook")
    with pytest.raises(IoInputError, match=rf"{xlsx}: not a readable xlsx workbook"):
        wiod2016.read_year(tmp_path, 2011)


def test_missing_year_says_which_files_were_looked_for(tmp_path):
    with pytest.raises(IoInputError, match="no WIOT2005_October16_ROW.RData or WIOT2005_Nov16_ROW.xlsx"):
        wiod2016.read_year(tmp_path, 2005)


def test_a_workbook_cut_short_names_the_file(tmp_path):
    write_wiod2016_xlsx(tmp_path, sample_wiod2016(2010))
    (path,) = (tmp_path / "wiod2016").glob("*.xlsx")
    path.write_bytes(path.read_bytes()[:2000])
    with pytest.raises(IoInputError, match=f"{path}: not a readable xlsx workbook"):
        wiod2016.read_year(tmp_path, 2010)
