"""`make bench`: speed and memory of the pipeline, written to bench/RESULTS.md.

Each measurement runs in its own child process, so its peak resident memory is its own:

a. the IO stage on all WIOD years against plain numpy A and L (one process, alternating
   rounds, medians: the ratio holds on a noisy machine);            target <= 1.3x
b. pymrio computing the same A and L from the same data;              target: IO stage >= 3x faster
c. the whole pipeline after installation, cold (`python -m dagster_project.materialize`
   into an empty warehouse);                                          target <= 90 s
d. one changed year: that partition and its dependents only;          target <= 15 s
e. the README's analyst queries on the published snapshot, 20 runs each; target median < 50 ms
f. scale: OECD ICIO-sized (~3,600) and EXIOBASE-sized (~9,800) generated tables through the
   same Leontief code;                                                target peak < 8 GB
"""

from __future__ import annotations

import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def stage_io() -> dict:
    """(a) and (b): the IO stage, the numpy floor and pymrio on the same years, alternating."""
    import numpy as np
    import pandas as pd
    import pymrio

    from bench.io_stage import io_stage, load_warehouse, numpy_floor
    from dagster_project import releases
    from dagster_project.settings import Settings

    settings = Settings.from_env()
    years = releases.available_years(settings.raw_dir)
    tables = [t for y in years for t in releases.read_tables(settings.raw_dir, y) if t.classification == "wiod2013"]
    with tempfile.TemporaryDirectory() as scratch:
        warehouse = load_warehouse(Path(scratch), tables)
        stage, floor, mrio = [], [], []
        for _ in range(3):
            started = time.perf_counter()
            io_stage(warehouse, years)
            stage.append(time.perf_counter() - started)
            started = time.perf_counter()
            numpy_floor(tables)
            floor.append(time.perf_counter() - started)
            started = time.perf_counter()
            for table in tables:
                labels = pd.MultiIndex.from_arrays(table.row_labels())
                z = pd.DataFrame(table.inter, index=labels, columns=labels)
                x = pd.DataFrame({"indout": table.output}, index=labels)
                pymrio.calc_L(pymrio.calc_A(z, x))
            mrio.append(time.perf_counter() - started)
    return {
        "years": len(years), "size": tables[0].size,
        "io_stage_s": statistics.median(stage), "numpy_s": statistics.median(floor), "pymrio_s": statistics.median(mrio),
        "peak_mb": peak_rss_mb(), "check": float(np.isfinite(stage).all()),
    }


def stage_scale(n_regions: int, n_industries: int) -> dict:
    """(f) one generated year of the given shape through the marts' Leontief computation."""
    import numpy as np

    from dagster_project import leontief

    n = n_regions * n_industries
    rng = np.random.default_rng(0)
    inter = rng.random((n, n)) * (rng.random((n, n)) < 0.2)
    output = inter.sum(axis=1) * 1.8 + 1.0
    started = time.perf_counter()
    a = leontief.technical_coefficients(inter, output)
    del inter
    result = leontief.industry_multipliers(a, n_regions, n_industries)
    seconds = time.perf_counter() - started
    return {"size": n, "seconds": seconds, "peak_mb": peak_rss_mb(), "finite": bool(np.isfinite(result.total).all())}


def run_stage(name: str, *args: str, env: dict | None = None) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "bench.run", "--stage", name, *args], cwd=ROOT, env=env or os.environ.copy(),
        capture_output=True, text=True, check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def timed_process(command: list[str], env: dict) -> dict:
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    _, status, usage = os.wait4(process.pid, 0)
    return {"seconds": time.perf_counter() - started, "peak_mb": usage.ru_maxrss / 1024, "ok": status == 0}


def readme_queries() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return [q.strip() for q in re.findall(r"```sql\n(.*?)```", text, flags=re.S)]


def stage_queries(snapshot: str) -> dict:
    import duckdb

    timings = {}
    with duckdb.connect(snapshot, read_only=True) as con:
        for query in readme_queries():
            runs = []
            for _ in range(20):
                started = time.perf_counter()
                con.execute(query).fetchall()
                runs.append((time.perf_counter() - started) * 1000)
            timings[query.splitlines()[0][:60]] = statistics.median(runs)
    return {"median_ms": timings, "peak_mb": peak_rss_mb()}


STAGE_FUNCTIONS = {"io": stage_io, "scale": lambda r, i: stage_scale(int(r), int(i)), "queries": stage_queries}


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--stage":
        print(json.dumps(STAGE_FUNCTIONS[sys.argv[2]](*sys.argv[3:])))
        return 0
    results: dict = {}
    print("[a, b] IO stage, numpy floor and pymrio ...", flush=True)
    results["io"] = run_stage("io")
    with tempfile.TemporaryDirectory() as scratch:
        home = Path(scratch) / "dagster_home"
        home.mkdir()
        (home / "dagster.yaml").write_text((ROOT / "dagster_home" / "dagster.yaml").read_text())
        env = {**os.environ, "WAREHOUSE_DIR": str(Path(scratch) / "warehouse"), "DAGSTER_HOME": str(home)}
        print("[c] whole pipeline, cold ...", flush=True)
        results["cold"] = timed_process([sys.executable, "-m", "dagster_project.materialize"], env)
        print("[d] one changed year and its dependents ...", flush=True)
        results["one_year"] = timed_process([sys.executable, "-m", "bench.one_year", "2011"], env)
        print("[e] README queries on the published snapshot ...", flush=True)
        results["queries"] = run_stage("queries", str(Path(scratch) / "warehouse" / "published.duckdb"))
    print("[f] ICIO- and EXIOBASE-sized tables ...", flush=True)
    results["icio"] = run_stage("scale", "80", "45")  # OECD ICIO: ~80 economies x 45 industries (3,600)
    results["exiobase"] = run_stage("scale", "49", "200")  # EXIOBASE 3: 49 regions x 200 products (9,800)
    RESULTS.write_text(render(results), encoding="utf-8")
    print(RESULTS.read_text())
    return 0


def render(r: dict) -> str:
    io, cold, one, q = r["io"], r["cold"], r["one_year"], r["queries"]
    ratio = io["io_stage_s"] / io["numpy_s"]
    speedup = io["pymrio_s"] / io["io_stage_s"]
    worst_query = max(q["median_ms"].values())

    def verdict(ok: bool) -> str:
        return "met" if ok else "**not met**"

    lines = [
        "# Benchmark results",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}; written by `make bench` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.",
        "",
        "| measure | figure | target | peak memory |",
        "|---|---|---|---|",
        f"| a. IO stage, {io['years']} WIOD years ({io['size']} country-industries) vs plain numpy A and L | "
        f"{io['io_stage_s']:.2f} s vs {io['numpy_s']:.2f} s = {ratio:.2f}x | <= 1.3x: {verdict(ratio <= 1.3)} | {io['peak_mb']:.0f} MB |",
        f"| b. pymrio calc_A + calc_L on the same data | {io['pymrio_s']:.2f} s: the IO stage is {speedup:.1f}x faster | "
        f">= 3x: {verdict(speedup >= 3)} | (same process) |",
        f"| c. whole pipeline, cold | {cold['seconds']:.1f} s ({'ok' if cold['ok'] else 'FAILED'}) | <= 90 s: "
        f"{verdict(cold['seconds'] <= 90 and cold['ok'])} | {cold['peak_mb']:.0f} MB |",
        f"| d. one changed year (2011) and its dependents | {one['seconds']:.1f} s ({'ok' if one['ok'] else 'FAILED'}) | "
        f"<= 15 s: {verdict(one['seconds'] <= 15 and one['ok'])} | {one['peak_mb']:.0f} MB |",
        f"| e. README queries, median of 20 runs (slowest query) | {worst_query:.1f} ms | < 50 ms: "
        f"{verdict(worst_query < 50)} | {q['peak_mb']:.0f} MB |",
        f"| f. OECD ICIO-sized year ({r['icio']['size']}) | {r['icio']['seconds']:.1f} s | < 8 GB | {r['icio']['peak_mb']:.0f} MB |",
        f"| f. EXIOBASE-sized year ({r['exiobase']['size']}) | {r['exiobase']['seconds']:.1f} s | < 8 GB: "
        f"{verdict(r['exiobase']['peak_mb'] < 8192)} | {r['exiobase']['peak_mb']:.0f} MB |",
        "",
        "Query medians (ms): " + ", ".join(f"{k!r}: {v:.1f}" for k, v in q["median_ms"].items()),
        "",
        "What bounds the figures: the IO stage solves (I-A)ᵀXᵀ = Sᵀ for the industry sums instead of "
        "inverting, so its linear algebra is cheaper than the floor's full inverse; the rest is reading Z "
        "from DuckDB and writing the multipliers. The cold pipeline is dominated by the ingest of 17 years "
        "of flows (6.4 M rows), dbt (one process per domain) and the 120 regressions; the one-year run by "
        "dbt rebuilding the marts over all years (they are tables, not incremental models).",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
