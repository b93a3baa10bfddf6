"""Reading WIOD 2013 files in both layouts, and refusing files that are not what they claim."""

import numpy as np
import pytest

from dagster_project.releases import wiod2013
from dagster_project.releases.io_table import IoInputError
from tests.helpers.wiod_sample import INDUSTRIES, sample_year, write_rdata, write_tidy

# Three economies keep these tables small; the layout is the release's.
COUNTRIES = ("AUS", "KOR", "USA")


def small_year(year: int):
    return sample_year(year, countries=COUNTRIES)


def test_rdata_year_is_read_cell_for_cell(tmp_path):
    sample = small_year(2001)
    write_rdata(tmp_path, sample)
    table = wiod2013.read_year(tmp_path, 2001)
    assert table.countries == COUNTRIES and table.industries == INDUSTRIES
    np.testing.assert_array_equal(table.inter, sample.inter)
    np.testing.assert_array_equal(table.final, sample.final)
    np.testing.assert_array_equal(table.output, sample.output)


def test_flows_frame_keeps_every_non_zero_cell_with_its_labels(tmp_path):
    sample = small_year(2001)
    write_rdata(tmp_path, sample)
    flows = wiod2013.read_year(tmp_path, 2001).flows_frame()
    assert len(flows) == np.count_nonzero(sample.inter) + np.count_nonzero(sample.final)
    # Country-major: USA c1 is row 2 * 35; KOR's c38 is final column 1 * 5 + 1.
    cell = flows.query("row_country == 'USA' and row_industry == 'c1' and col_country == 'KOR' and col_use == 'c38'")
    assert cell["value_usd_m"].item() == sample.final[2 * 35, 1 * 5 + 1]
    assert cell["use_type"].item() == "final"
    assert flows["value_usd_m"].sum() == sample.inter.sum() + sample.final.sum()


def test_tidy_layout_gives_the_same_table_as_the_rdata(tmp_path):
    samples = [small_year(2001), small_year(2002)]
    rdata_dir, tidy_dir = tmp_path / "r", tmp_path / "t"
    for s in samples:
        write_rdata(rdata_dir, s)
    write_tidy(tidy_dir, samples)
    assert wiod2013.available_years(tidy_dir) == [2001, 2002]
    from_rdata = wiod2013.read_year(rdata_dir, 2002)
    from_tidy = wiod2013.read_year(tidy_dir, 2002)
    np.testing.assert_array_equal(from_tidy.inter, from_rdata.inter)
    np.testing.assert_array_equal(from_tidy.final, from_rdata.final)
    np.testing.assert_array_equal(from_tidy.output, from_rdata.output)


def test_available_years_lists_rdata_files(tmp_path):
    for year in (1999, 2000):
        write_rdata(tmp_path, small_year(year))
    assert wiod2013.available_years(tmp_path) == [1999, 2000]


def test_truncated_rdata_names_the_file(tmp_path):
    path = write_rdata(tmp_path, small_year(2001))
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(IoInputError, match=rf"{path}: not a readable RData file"):
        wiod2013.read_year(tmp_path, 2001)


def test_file_whose_content_is_another_year_is_refused(tmp_path):
    write_rdata(tmp_path, small_year(2001), stored_year=2005)
    with pytest.raises(IoInputError, match="named for 2001 but its table says year 2005"):
        wiod2013.read_year(tmp_path, 2001)


def test_negative_gross_output_names_the_country_industry(tmp_path):
    sample = small_year(2001)
    path = write_rdata(tmp_path, sample)
    import rdata

    objects = rdata.read_rda(path)
    objects["wiot_2001"]["output"][2 * 35 + 2] = -5  # USA c3
    rdata.write_rda(path, objects)
    with pytest.raises(IoInputError, match=r"gross output of row 73 \(USA c3\) is -5"):
        wiod2013.read_year(tmp_path, 2001)


def test_negative_household_consumption_is_refused_but_inventory_change_is_not(tmp_path):
    sample = small_year(2001)
    sample.final[0, 4] = -30  # AUS c1 -> AUS c42 (inventories): allowed
    write_rdata(tmp_path, sample)
    wiod2013.read_year(tmp_path, 2001)
    sample.final[0, 0] = -30  # AUS c1 -> AUS c37 (households): not allowed
    write_rdata(tmp_path, sample)
    with pytest.raises(IoInputError, match=r"row 1 \(AUS c1\), column 1 \(AUS c37\) is negative"):
        wiod2013.read_year(tmp_path, 2001)


def test_matrix_of_the_wrong_shape_is_refused(tmp_path):
    sample = small_year(2001)
    sample.final = sample.final[:, :-1]
    write_rdata(tmp_path, sample)
    with pytest.raises(IoInputError, match=r"final has shape \(105, 14\), expected \(105, 15\)"):
        wiod2013.read_year(tmp_path, 2001)


def test_missing_year_says_how_to_get_it(tmp_path):
    with pytest.raises(IoInputError, match="wiot_2003.RData: missing.*make data"):
        wiod2013.read_year(tmp_path, 2003)
