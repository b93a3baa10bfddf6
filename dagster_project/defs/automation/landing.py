"""The landing-folder sensor: new or changed source files are validated, moved into the raw
folder and trigger a run of what they feed, and only that.

A landed file is validated the way its ingest validates it, before it replaces anything:
an input-output year is staged exactly as a run stages it (reader, Great Expectations suites
and accounting identities: input_output.staging.stage_year), an indicator file is read and its codes
audited (indicators.reader.read_source, quality/indicator_audit.py). A file that fails never
reaches `data/raw/`: it stays in the landing folder and the sensor says why (its log and the
tick's skip reason in the UI). What is copied into the raw folder is the validated copy, so a
file that changes while it is validated is left for the next tick.

Symbolic links are refused without being read (a link could point anywhere, and what it
points to could change after validation), and nothing is written outside the raw folder
(safe_path). The raw file a landed one replaces is kept under `data/raw/.previous/`
until the run the landed file requested has succeeded; if that run fails, the sensor logs
where the previous file is. Each accepted file is recorded in the raw folder's manifest with
origin `landing`, so `make data` does not put the mirror's copy back over it.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from dagster_project.defs.automation import jobs
from dagster_project.defs.input_output.checks import check_results
from dagster_project.defs.input_output.jobs import YEARLY_ASSETS
from dagster_project.defs.input_output.partitions import io_years
from dagster_project.defs.resources import FolderResource
from dagster_project.indicators import catalogue, reader
from dagster_project.indicators.reader import Source
from dagster_project.input_output import staging
from dagster_project.releases import registry
from dagster_project.releases.io_table import IoInputError
from dagster_project.storage.files import file_sha256
from dagster_project.storage.raw_files import (
    UnsafePath,
    copy_into,
    keep_previous,
    load_manifest,
    record,
    write_manifest,
)

RUN_KEY_TAG = "dagster/run_key"
SOURCES_BY_PATH = {Path(s.path): s for s in catalogue.SOURCES}


class LandingRejected(ValueError):
    """A landed file is not a valid source file; the message says which and why."""


@dataclass(frozen=True)
class Landed:
    """What an accepted file feeds: input-output years, or one indicator source's asset."""

    years: tuple[int, ...] = ()
    source: Source | None = None


def landed_files(landing: Path) -> list[tuple[Path, Path]]:
    """(path, path relative to the landing folder) of every entry to consider, links included.

    Symlinked folders are listed (to be refused), not entered; `.partial` files (still being
    written) and hidden files are skipped.
    """
    found = []
    for folder, folders, files in os.walk(landing):
        for name in [*files, *(d for d in folders if os.path.islink(os.path.join(folder, d)))]:
            if name.endswith(".partial") or name.startswith("."):
                continue
            path = Path(folder) / name
            found.append((path, path.relative_to(landing)))
    return sorted(found)


def validate(path: Path, relative: Path, scratch: Path) -> Landed:
    """Copy the landed file into a scratch raw folder and validate it there as its ingest would.

    The scratch copy (scratch/raw/<relative>) is what is accepted into the raw folder.
    """
    if path.is_symlink():
        raise LandingRejected(
            f"{path}: a symbolic link; land the file itself (copy it into the landing folder, do not link it)"
        )
    raw = scratch / "raw"
    copy = raw / relative
    copy.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)  # not through a link swapped in since
    with os.fdopen(descriptor, "rb") as data, copy.open("wb") as out:
        shutil.copyfileobj(data, out)
    if relative in SOURCES_BY_PATH:
        return Landed(source=_validate_source(path, raw, SOURCES_BY_PATH[relative]))
    years = registry.available_years(raw)
    if not years:
        raise LandingRejected(
            f"{path}: not a source file this warehouse reads (an input-output table such as "
            f"wiod2013/rdata/wiot_YYYY.RData, or one of: {', '.join(sorted(map(str, SOURCES_BY_PATH)))})"
        )
    for year in years:
        try:
            staged = staging.stage_year(raw, year, scratch / "staged" / str(year))
        except IoInputError as exc:
            raise LandingRejected(str(exc).replace(str(copy), str(path))) from exc
        if not staged.audit.passed:
            failed = [f"{c.check_name}: {c.description}" for c in check_results([staged.audit]) if not c.passed]
            raise LandingRejected(f"{path}: the {year} table fails its blocking checks: {'; '.join(failed)}")
    return Landed(years=tuple(years))


def _validate_source(path: Path, raw: Path, source: Source) -> Source:
    try:
        reader.read_source(raw, source)  # typed and audited: every blocking check
    except reader.SourceFileError as exc:
        raise LandingRejected(str(exc).replace(str(raw / source.path), str(path))) from exc
    return source


def accept(raw_dir: Path, relative: Path, validated: Path, landed: Path, run_keys: list[str]) -> Path | None:
    """Put the validated copy in place of the raw file, keeping the one it replaces; returns where that is.

    keep_previous refuses a target outside the raw folder (UnsafePath) before anything moves.
    """
    previous = keep_previous(raw_dir, relative)
    target = copy_into(raw_dir, relative, validated)
    extra = {"run_keys": ",".join(run_keys), **({"previous": str(previous)} if previous else {})}
    record(raw_dir, [target], "landing", str(landed), **extra)
    landed.unlink()
    return previous


def release_previous(instance: dg.DagsterInstance, raw_dir: Path, log) -> None:
    """Delete each kept previous file once the latest runs its replacement requested all succeeded;
    say once where it is when one of them failed."""
    manifest = load_manifest(raw_dir)
    changed = False
    for relative, entry in manifest.items():
        if "previous" not in entry:
            continue
        latest = [
            runs[0] for key in entry["run_keys"].split(",")
            if (runs := instance.get_runs(dg.RunsFilter(tags={RUN_KEY_TAG: key}), limit=1))
        ]
        if latest and all(r.status == dg.DagsterRunStatus.SUCCESS for r in latest):
            Path(entry.pop("previous")).unlink(missing_ok=True)
            entry.pop("previous_reported", None)
            changed = True
        elif any(r.status == dg.DagsterRunStatus.FAILURE for r in latest) and not entry.get("previous_reported"):
            log.warning(
                f"the run fed by the landed {relative} failed; the file it replaced is kept at {entry['previous']} "
                f"(to go back: mv {entry['previous']} {raw_dir / relative})"
            )
            entry["previous_reported"] = True
            changed = True
    if changed:
        write_manifest(raw_dir, manifest)


@dg.sensor(
    name="landing_folder",
    job_name=jobs.refresh_all.name,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,  # runs whenever the daemon does (`make ui`)
    description="Validates files dropped into the landing folder (readers, expectation suites, accounting "
    "identities, known codes), moves the good ones into the raw folder and runs the partitions and assets "
    "they feed, with everything downstream.",
)
def landing_folder(context: dg.SensorEvaluationContext, landing: FolderResource, raw_files: FolderResource):
    handled: dict[str, str] = json.loads(context.cursor or "{}")
    raw_dir = raw_files.path
    release_previous(context.instance, raw_dir, context.log)
    run_requests, new_years, rejected, deferred = [], [], [], []
    graph = context.repository_def.asset_graph
    for path, relative in landed_files(landing.path):
        version = "symlink" if path.is_symlink() else file_sha256(path)
        if handled.get(str(relative)) == version:
            continue
        with tempfile.TemporaryDirectory() as scratch:
            try:
                landed = validate(path, relative, Path(scratch))
                if file_sha256(path) != version:
                    deferred.append(f"{path} changed while it was validated; left in place for the next tick")
                    context.log.warning(deferred[-1])
                    continue
                run_key = f"{relative}@{version[:16]}"
                run_keys = [f"{run_key}:{year}" for year in landed.years] or [run_key]
                accept(raw_dir, relative, Path(scratch) / "raw" / relative, path, run_keys)
            except (LandingRejected, UnsafePath) as exc:
                context.log.error(f"rejected {path}: {exc}")
                rejected.append(str(exc))
                handled[str(relative)] = version
                continue
        handled[str(relative)] = version
        context.log.info(f"accepted {relative} into {raw_dir}")
        if landed.years:
            new_years += [str(y) for y in landed.years if not context.instance.has_dynamic_partition(io_years.name, str(y))]
            selection = list(YEARLY_ASSETS.downstream().resolve(graph))
            for year, key in zip(landed.years, run_keys):
                run_requests.append(dg.RunRequest(run_key=key, partition_key=str(year), asset_selection=selection))
        else:
            selection = dg.AssetSelection.assets(landed.source.asset_key).downstream()
            run_requests.append(dg.RunRequest(run_key=run_keys[0], asset_selection=list(selection.resolve(graph))))
    context.update_cursor(json.dumps(handled, sort_keys=True))
    if not run_requests:
        notes = [f"rejected: {r}" for r in rejected] + [f"deferred: {d}" for d in deferred]
        return dg.SkipReason("; ".join(notes) or "no new or changed files")
    return dg.SensorResult(
        run_requests=run_requests,
        dynamic_partitions_requests=[io_years.build_add_request(sorted(set(new_years)))] if new_years else None,
    )
