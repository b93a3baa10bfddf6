"""The staging stage through the Celery executor (rows g' and j of `make bench`), for issue 13.

Why: row g measures the yearly staging steps on this machine's processes; the scale-out
profile sends the same steps to Celery workers on other machines. Here the workers are on
one machine, each a process group with its own WAREHOUSE_DIR (its staging folder, as a
machine of its own would have), one step process each, sharing the lake's catalog and
data path and Dagster's instance (the SQLite ones of `warehouse_env`: on one machine no
PostgreSQL is needed), the values steps pass on in one STEP_OUTPUTS_DIR, and a private
Redis broker. 1 worker against 2 shows what a second machine's worth of steps gains, and
the fixed costs that each step pays on a worker (the broker round trip, the step process's
start, the lake attach); the ICIO-sized years (generated in the release's CSV layout) show
how it scales with the table's size.

Everything started here is stopped when the block ends, on failure too: the workers by
their process groups, Redis by the helper (tests/helpers/redis_server.py).
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import dagster as dg

from dagster_project.quality.seeds import seed
from dagster_project.releases import oecd_icio
from tests.helpers.celery_worker import STAGE_PREFIX, start_worker, step_workers, stop, wait_until_ready
from tests.helpers.redis_server import redis_server
from tests.helpers.wiod_sample import sample_icio, write_icio_csv

WORKER_START_SECONDS = 180
ICIO_YEARS = tuple(range(2015, 2021))  # six table years


# Codes the countries seed holds for another release only: WIOD 2013's Romania (the ICIO writes ROU).
NOT_ICIO_CODES = ("ROM",)


def icio_economies() -> tuple[str, ...]:
    """The economies of an extended ICIO table of the 2023 edition, as the generated years label them.

    Its 76 countries and ROW (the countries seed's codes the reader takes: three capitals or
    digits, not WIOD 2013's `RoW` or `ROM`) with China and Mexico also split into CN1/CN2 and
    MX1/MX2, which have no final-demand columns: 81 economies, 3,645 rows and columns a year.
    The reader adds the splits into CHN and MEX, so each year stages 77 x 45 = 3,465
    country-industries.
    """
    first = oecd_icio.INDUSTRY_CODES[0]
    codes = sorted(set(seed("countries")["country_code"]) - set(NOT_ICIO_CODES))
    economies = tuple(code for code in codes if oecd_icio.label_kind(f"{code}_{first}") == "cell")
    return economies + tuple(oecd_icio.SPLIT_ECONOMIES)


def write_icio_years(raw_dir: Path, years: tuple[int, ...] = ICIO_YEARS) -> dict[str, int]:
    """ICIO 2021-layout CSVs of `years` (tests/helpers/wiod_sample.py) in `raw_dir`: their rows and columns,
    and the country-industries the reader stages from them."""
    economies = icio_economies()
    staged = [code for code in economies if code not in oecd_icio.SPLIT_ECONOMIES]
    for year in years:
        write_icio_csv(raw_dir, sample_icio(year, economies), final_countries=tuple(staged))
    industries = len(oecd_icio.INDUSTRY_CODES)
    return {"rows": len(economies) * industries, "staged": len(staged) * industries}


@contextlib.contextmanager
def celery_workers(environment: dict[str, str], root: Path, workers: int) -> Iterator[dict[str, str]]:
    """`workers` ready Celery workers on a private broker; yields the environment of a run that uses them."""
    root.mkdir(parents=True, exist_ok=True)
    with redis_server() as broker, contextlib.ExitStack() as stack:
        environment = {
            **environment, "WAREHOUSE_EXECUTOR": "celery", "CELERY_BROKER_URL": broker,
            "STEP_OUTPUTS_DIR": str(root / "step_outputs"),
        }
        started = {}
        for k in range(1, workers + 1):
            name = f"w{k}"
            started[name] = start_worker(name, {**environment, "WAREHOUSE_DIR": str(root / name)}, root / f"{name}.log")
            stack.callback(stop, started[name])
        for name, process in started.items():
            wait_until_ready(name, process, root / f"{name}.log", WORKER_START_SECONDS)
        yield environment


def years_by_worker(environment: dict[str, str]) -> dict[str, int]:
    """How many yearly staging steps each Celery worker took in the last run of environment's instance."""
    with dg.DagsterInstance.from_config(environment["DAGSTER_HOME"]) as instance:
        (run,) = instance.get_runs(limit=1)
        took = step_workers(instance, run.run_id)
    return dict(Counter(worker.partition("@")[0] for key, worker in took.items() if key.startswith(STAGE_PREFIX)))
