"""The landing-folder sensor: new or changed source files are validated, moved into the raw
folder and trigger a run of what they feed, and only that.

A file is validated where it lands, with the same readers the ingest assets use, so a file
that would fail its asset never reaches `data/raw/`: it stays in the landing folder and the
sensor says why (in its log and as the tick's skip reason in the UI). A file that changes
while it is being validated is left for the next tick. Each file version is handled once:
the cursor remembers the SHA-256 of every file it accepted or rejected.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from dagster_project import indicator_sources, releases
from dagster_project.io_table import IoInputError
from dagster_project.partitions import io_years
from dagster_project.jobs import YEARLY_ASSETS
from dagster_project.resources import LandingFolderResource, RawFilesResource


class LandingRejected(ValueError):
    """A landed file is not a valid source file; the message says which and why."""


@dataclass(frozen=True)
class Landed:
    """What an accepted file feeds: input-output years, or one indicator source's asset."""

    years: tuple[int, ...] = ()
    asset_key: dg.AssetKey | None = None


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def validate(path: Path, relative: Path) -> Landed:
    """Read the file with its ingest reader, from a scratch copy of its place in the raw layout."""
    sources = {Path(s.path): s for s in indicator_sources.SOURCES}
    with tempfile.TemporaryDirectory() as scratch:
        staged = Path(scratch) / relative
        staged.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, staged)
        if relative in sources:
            source = sources[relative]
            try:
                indicator_sources.read_source(Path(scratch), source)
            except indicator_sources.SourceFileError as exc:
                raise LandingRejected(str(exc).replace(str(Path(scratch)), str(path.parent.parent))) from exc
            return Landed(asset_key=dg.AssetKey(source.asset_key))
        years = releases.available_years(Path(scratch))
        if not years:
            raise LandingRejected(
                f"{path}: not a source file this warehouse reads (an input-output table such as "
                f"wiod2013/rdata/wiot_YYYY.RData, or one of: {', '.join(sorted(map(str, sources)))})"
            )
        try:
            for year in years:
                releases.read_tables(Path(scratch), year)
        except IoInputError as exc:
            raise LandingRejected(str(exc).replace(str(staged), str(path))) from exc
        return Landed(years=tuple(years))


def move_into_raw(path: Path, target: Path) -> None:
    """Atomic within one filesystem; across filesystems, copy beside the target and rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(path, target)
    except OSError:
        partial = target.with_name(target.name + ".partial")
        shutil.copyfile(path, partial)
        os.replace(partial, target)
        path.unlink()


@dg.sensor(
    name="landing_folder",
    job_name="refresh_all",
    minimum_interval_seconds=30,
    description="Validates files dropped into the landing folder, moves the good ones into the raw folder "
    "and runs the partitions and assets they feed, with everything downstream.",
)
def landing_folder(context: dg.SensorEvaluationContext, landing: LandingFolderResource, raw_files: RawFilesResource):
    handled: dict[str, str] = json.loads(context.cursor or "{}")
    run_requests, new_years, rejected, deferred = [], [], [], []
    for path in sorted(p for p in landing.path.rglob("*") if p.is_file() and not p.name.endswith(".partial")):
        relative = path.relative_to(landing.path)
        digest = sha256(path)
        if handled.get(str(relative)) == digest:
            continue
        try:
            landed = validate(path, relative)
            if sha256(path) != digest:
                deferred.append(f"{path} changed while it was validated; left in place for the next tick")
                context.log.warning(deferred[-1])
                continue
        except LandingRejected as exc:
            context.log.error(f"rejected {path}: {exc}")
            rejected.append(str(exc))
            handled[str(relative)] = digest
            continue
        move_into_raw(path, raw_files.path / relative)
        handled[str(relative)] = digest
        context.log.info(f"accepted {relative} into {raw_files.path}")
        run_key = f"{relative}@{digest[:16]}"
        if landed.years:
            new_years += [str(y) for y in landed.years if not context.instance.has_dynamic_partition(io_years.name, str(y))]
            for year in landed.years:
                run_requests.append(
                    dg.RunRequest(
                        run_key=f"{run_key}:{year}",
                        partition_key=str(year),
                        asset_selection=list(YEARLY_ASSETS.downstream().resolve(context.repository_def.asset_graph)),
                    )
                )
        else:
            selection = dg.AssetSelection.assets(landed.asset_key).downstream()
            run_requests.append(
                dg.RunRequest(run_key=run_key, asset_selection=list(selection.resolve(context.repository_def.asset_graph)))
            )
    context.update_cursor(json.dumps(handled, sort_keys=True))
    if not run_requests:
        notes = [f"rejected: {r}" for r in rejected] + [f"deferred: {d}" for d in deferred]
        return dg.SkipReason("; ".join(notes) or "no new or changed files")
    return dg.SensorResult(
        run_requests=run_requests,
        dynamic_partitions_requests=[io_years.build_add_request(sorted(set(new_years)))] if new_years else None,
    )
