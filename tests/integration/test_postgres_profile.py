"""The server profile's groundwork: a private PostgreSQL, Dagster's instance on it, DuckLake on it.

Issue 12: in the server profile Dagster's instance (deploy/server/dagster.yaml) and the lake's
catalog live in PostgreSQL, so that processes on several machines share run history, pool
slots and one lake. These tests start their own server (tests/helpers/postgres_server.py) and check:
it stops without leaving a process or a taken port; an instance built from the server profile's
dagster.yaml records a run and its events in PostgreSQL; and two processes writing different
years into one DuckLake table at the same moment both land every row, each commit in its own
snapshot and each year in its own Parquet files.

This module is also the writer processes' script (`python -m tests.integration.test_postgres_profile ...`), so it
imports Dagster only inside the test that uses it.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import time
from importlib.util import find_spec
from pathlib import Path

import duckdb
import psycopg2
import pytest
import yaml

from tests.helpers.postgres_server import HOST, postgres_server

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SERVER_INSTANCE = PROJECT_ROOT / "deploy" / "server" / "dagster.yaml"
LOCAL_INSTANCE = PROJECT_ROOT / "dagster_home" / "dagster.yaml"
# The pool of the dbt builds (dagster_project/defs/resources.py), one at a time on every profile.
POOL = "dbt_lake"
YEARS = (2000, 2001)
COMMITS_PER_YEAR = 8
ROWS_PER_COMMIT = 1000


def extension_directory() -> str:
    """DuckDB's signed extensions as the duckdb-ext-* wheels install them (site-packages/duckdb_ext/extensions)."""
    return str(Path(next(iter(find_spec("duckdb_ext").submodule_search_locations))) / "extensions")


def lake_connection(catalog: str) -> duckdb.DuckDBPyConnection:
    """A connection with the lake attached as `lake`; extensions from site-packages, nothing downloaded."""
    con = duckdb.connect(config={"extension_directory": extension_directory(), "autoinstall_known_extensions": False})
    con.execute(f"ATTACH '{catalog}' AS lake")
    # DuckLake retries a commit that lost a race on the PostgreSQL catalog; 10 tries (the default)
    # were too few for 17 writers (docs/ducklake-findings.md, section 4).
    con.execute("SET ducklake_max_retry_count = 100")
    return con


def write_year(catalog: str, year: int) -> None:
    """Writer process: attach, say ready, wait for the go line, then commit the year's batches one by one.

    Prints when its first commit started and its last one ended, so the test can see that
    the two writers overlapped.
    """
    con = lake_connection(catalog)
    print("ready", flush=True)
    sys.stdin.readline()
    started = time.time()
    for batch in range(COMMITS_PER_YEAR):
        con.execute("INSERT INTO lake.obs SELECT ?, ?, i FROM range(?) t(i)", [year, batch, ROWS_PER_COMMIT])
    print(started, time.time(), flush=True)


@pytest.mark.parametrize("ends", ["normally", "with a failing test"])
def test_private_server_leaves_no_process_or_port(ends):
    class TestFailed(Exception):
        pass

    with contextlib.suppress(TestFailed):
        with postgres_server() as server:
            dsn = server.create_database("probe")
            with contextlib.closing(psycopg2.connect(dsn)) as con, con.cursor() as cur:
                cur.execute("select current_database(), inet_server_addr()::text, inet_server_port()")
                assert cur.fetchone() == ("probe", f"{HOST}/32", server.port)
            processes = {server.pid} | _children(server.pid)
            assert len(processes) > 1  # the postmaster and its background workers
            port, directory = server.port, server.directory
            if ends != "normally":
                raise TestFailed
    assert [pid for pid in processes if Path(f"/proc/{pid}").exists()] == []
    assert not directory.exists()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # Free for the next server: nobody listens there. (Closed connections may linger in
        # TIME_WAIT, which servers, postgres included, bind over with SO_REUSEADDR.)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((HOST, port))
        sock.listen()


def test_server_instance_keeps_runs_and_pool_slots_in_postgres(postgres, tmp_path, monkeypatch):
    import dagster as dg

    from dagster_project.instance.run_launcher import LocalRunLauncher

    postgres.create_database("dagster")
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(SERVER_INSTANCE, home)
    for name, value in {"HOME": home, "PG_HOST": postgres.host, "PG_PORT": postgres.port,
                        "PG_USER": postgres.user, "PG_DB": "dagster"}.items():
        monkeypatch.setenv(f"DAGSTER_{name}", str(value))

    @dg.asset(pool=POOL)
    def answer() -> int:
        return 42

    MATERIALIZED, RUN_SUCCEEDED = dg.DagsterEventType.ASSET_MATERIALIZATION, dg.DagsterEventType.RUN_SUCCESS
    with dg.DagsterInstance.get() as instance:
        assert isinstance(instance.run_launcher, LocalRunLauncher)
        result = dg.materialize([answer], instance=instance)
        assert result.success

    with contextlib.closing(psycopg2.connect(postgres.dsn("dagster"))) as con, con.cursor() as cur:
        cur.execute("select run_id, status from runs")
        assert cur.fetchall() == [(result.run_id, "SUCCESS")]
        cur.execute("select dagster_event_type, asset_key from event_logs where run_id = %s and dagster_event_type"
                    " in (%s, %s)", [result.run_id, *(event.value for event in (MATERIALIZED, RUN_SUCCEEDED))])
        assert sorted(cur.fetchall()) == [(MATERIALIZED.value, '["answer"]'), (RUN_SUCCEEDED.value, None)]
        # The step's pool got the profile's default limit, its slots in PostgreSQL (shared by every
        # machine), all free again once the run ended.
        default_limit = yaml.safe_load(SERVER_INSTANCE.read_text())["concurrency"]["pools"]["default_limit"]
        cur.execute('select concurrency_key, "limit", using_default_limit from concurrency_limits')
        assert cur.fetchall() == [(POOL, default_limit, True)]
        cur.execute("select count(*), count(run_id) from concurrency_slots where concurrency_key = %s", [POOL])
        assert cur.fetchone() == (default_limit, 0)


def test_server_profile_differs_from_local_instance_only_in_storage_and_limits():
    server, local = (yaml.safe_load(path.read_text()) for path in (SERVER_INSTANCE, LOCAL_INSTANCE))
    assert set(server) - set(local) == {"storage"}
    for section in set(local) - {"concurrency"}:
        assert server[section] == local[section], section
    assert server["concurrency"]["pools"]["granularity"] == local["concurrency"]["pools"]["granularity"]
    for limit in (("pools", "default_limit"), ("runs", "max_concurrent_runs")):
        assert server["concurrency"][limit[0]][limit[1]] >= local["concurrency"][limit[0]][limit[1]], limit


def test_two_processes_write_years_into_one_ducklake_table_at_once(postgres, tmp_path):
    catalog = f"ducklake:postgres:{postgres.create_database('lake')}"
    with duckdb.connect(config={"extension_directory": extension_directory(),
                                "autoinstall_known_extensions": False}) as con:
        con.execute(f"ATTACH '{catalog}' AS lake (DATA_PATH '{tmp_path / 'data'}/')")
        con.execute("CREATE TABLE lake.obs (year INTEGER, batch INTEGER, value BIGINT)")
        con.execute("ALTER TABLE lake.obs SET PARTITIONED BY (year)")
        assert con.execute(
            "select current_setting('allow_unsigned_extensions'), install_path from duckdb_extensions()"
            " where extension_name = 'ducklake'"
        ).fetchone() == (False, f"{extension_directory()}/v{duckdb.__version__}/linux_amd64/ducklake.duckdb_extension")

        writers = [
            subprocess.Popen([sys.executable, "-m", __name__, catalog, str(year)], cwd=PROJECT_ROOT, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for year in YEARS
        ]
        try:
            assert [writer.stdout.readline() for writer in writers] == ["ready\n"] * len(YEARS)
            for writer in writers:  # both attached: go at once
                writer.stdin.write("go\n")
                writer.stdin.flush()
            outputs = [writer.communicate(timeout=60) for writer in writers]
        finally:
            for writer in writers:
                writer.kill()
        assert [(writer.returncode, err) for writer, (_, err) in zip(writers, outputs)] == [(0, "")] * len(YEARS)
        spans = [tuple(map(float, out.split())) for out, _ in outputs]
        assert max(start for start, _ in spans) < min(end for _, end in spans), f"the writers did not overlap: {spans}"

        rows = con.execute("select year, batch, count(*), sum(value) from lake.obs group by all order by all").fetchall()
        assert rows == [(year, batch, ROWS_PER_COMMIT, ROWS_PER_COMMIT * (ROWS_PER_COMMIT - 1) // 2)
                        for year in YEARS for batch in range(COMMITS_PER_YEAR)]
        inserts = con.execute(
            "select count(*) from lake.snapshots() where map_contains(changes, 'tables_inserted_into')"
        ).fetchone()
        assert inserts == (len(YEARS) * COMMITS_PER_YEAR,)
        files = con.execute(
            "select regexp_extract(data_file, 'year=(\\d+)/', 1) as year, count(*)"
            " from ducklake_list_files('lake', 'obs') group by all order by all"
        ).fetchall()
        assert files == [(str(year), COMMITS_PER_YEAR) for year in YEARS]  # each year in its own files


def _children(pid: int) -> set[int]:
    """The pids whose parent is `pid` (from /proc)."""
    children = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                children.add(int(stat.parent.name))
    return children


if __name__ == "__main__":
    write_year(sys.argv[1], int(sys.argv[2]))
