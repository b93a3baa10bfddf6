"""The warehouse lake (dagster_project/storage/lake.py): concurrent writers, publications and time travel.

Small lakes built here, with an embedded SQLite catalog as `make run` uses; the PostgreSQL
catalog is exercised in tests/integration/test_postgres_profile.py and tests/integration/test_celery_profile.py.
"""

import subprocess
import sys

import duckdb
import pytest

from dagster_project.settings import PROJECT_ROOT
from dagster_project.storage.lake import Lake, LakeUnavailable, current_snapshot, publish, transactions
from dagster_project.storage.publish import publish_current_state

# Each writer replaces its own year's rows ROUNDS times, one transaction per round, as the
# year staging steps do; all start together.
WRITER = r"""
import sys, time
from dagster_project.storage.lake import Lake, transactions
catalog, data_path, year, rounds, start = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
lake = Lake(catalog, data_path)
with lake.connect() as con:
    while time.time() < start:
        time.sleep(0.005)
    for round_ in range(rounds):
        for attempt in transactions(con):
            with attempt:
                con.execute("delete from raw.flows where year = ?", [year])
                con.execute("insert into raw.flows select ?, ?, range from range(5000)", [year, round_])
"""
WRITERS, ROUNDS = 4, 8


@pytest.fixture
def lake(tmp_path) -> Lake:
    return Lake(catalog=f"sqlite:{tmp_path / 'lake' / 'catalog.sqlite'}", data_path=f"{tmp_path / 'lake' / 'data'}/")


def test_concurrent_writers_of_different_years_all_land(lake):
    """Back-to-back commits of 4 processes: without the whole-transaction retry about one commit
    in five failed with "database is locked" (docs/ducklake-findings.md); here every one lands."""
    import time

    with lake.connect() as con:
        con.execute("create schema raw; create table raw.flows (year integer, round integer, value bigint)")
        con.execute("alter table raw.flows set partitioned by (year)")
    start = time.time() + 3  # after every writer has attached
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, lake.catalog, lake.data_path, str(2000 + n), str(ROUNDS), str(start)],
            cwd=PROJECT_ROOT, stderr=subprocess.PIPE, text=True,
        )
        for n in range(WRITERS)
    ]
    errors = [w.communicate(timeout=300)[1] for w in writers]
    assert [w.returncode for w in writers] == [0] * WRITERS, errors
    with lake.connect(read_only=True) as con:
        rows = con.execute(
            "select year, round, count(*), sum(value) from raw.flows group by all order by all"
        ).fetchall()
        commits = con.execute(
            "select count(*) from lake.snapshots() where map_contains(changes, 'tables_inserted_into')"
        ).fetchone()[0]
    # Each year holds exactly its last round, whole.
    assert rows == [(2000 + n, ROUNDS - 1, 5000, 5000 * 4999 // 2) for n in range(WRITERS)]
    assert commits == WRITERS * ROUNDS


def test_an_error_that_is_not_a_conflict_rolls_back_and_propagates(lake):
    with lake.connect() as con:
        con.execute("create table t (x integer)")
        tries = 0
        with pytest.raises(duckdb.CatalogException):
            for attempt in transactions(con):
                with attempt:
                    tries += 1
                    con.execute("insert into t values (1)")
                    con.execute("insert into no_such_table values (1)")
        assert tries == 1
        assert con.execute("select count(*) from t").fetchone()[0] == 0


def test_readers_see_the_last_publication_and_travel_back_to_earlier_ones(lake):
    with lake.connect() as con:
        con.execute("create schema marts; create table marts.index (country varchar, rank integer)")
        con.execute("insert into marts.index values ('KOR', 3), ('DEU', 1)")
        first, counts = publish_current_state(con, "run-1")
        assert counts == {"marts.index": 2}
        con.execute("update marts.index set rank = 2 where country = 'KOR'")
        con.execute("insert into marts.index values ('USA', 4)")  # not published yet
        with lake.published_connection() as reader:
            assert reader.execute("select * from marts.index order by 1").fetchall() == [("DEU", 1), ("KOR", 3)]
        second, counts = publish_current_state(con, "run-2")
        assert counts == {"marts.index": 3} and second > first
        con.execute("delete from marts.index")  # a later run, halfway through
    with lake.published_connection() as reader:
        assert reader.execute("select rank from marts.index where country = 'KOR'").fetchone() == (2,)
        assert reader.execute("select snapshot_id, run_id from meta.publications order by 1").fetchall() == [
            (first, "run-1"), (second, "run-2")
        ]
        # The README's time travel: the first publication, read from the published state.
        reader.execute("set variable first_publication = (select min(snapshot_id) from meta.publications)")
        assert reader.execute(
            "select rank from marts.index at (version => getvariable('first_publication')) where country = 'KOR'"
        ).fetchone() == (3,)
        with pytest.raises(duckdb.Error, match="read-only"):
            reader.execute("delete from marts.index")


def test_a_lake_not_built_yet_says_how_to_build_it(lake):
    with pytest.raises(LakeUnavailable, match=r"no warehouse at .*catalog.sqlite yet: build it with `make run`"):
        lake.connect(read_only=True)
    lake.connect().close()
    with pytest.raises(LakeUnavailable, match=r"has no published snapshot yet"):
        lake.published_connection()


def test_publish_records_one_commit_with_every_table_count(lake):
    with lake.connect() as con:
        con.execute("create schema analytics; create table analytics.r as select range as i from range(7)")
        snapshot = current_snapshot(con)
        publish(con, snapshot, "run-x", {"analytics.r": 7})
        assert current_snapshot(con) == snapshot + 1
        assert con.execute("select snapshot_id, table_name, row_count, run_id from meta.published_tables").fetchall() == [
            (snapshot, "analytics.r", 7, "run-x")
        ]
