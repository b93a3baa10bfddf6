"""`make data`: fill the raw folder from the local data mirror, then from the official sources.

Each file of the mirror is copied into RAW_DATA_DIR (same relative path) unless an
identical copy is already there; a copy goes to a temporary name first and is renamed into
place, so an interrupted sync never leaves half a file. What the mirror lacks is then
downloaded by the connectors (dagster_project/connectors): the World Bank API for WDI, the
WIOD 2013 RData years, the ITU IDI, and the WIOD 2016 / OECD ICIO archives when their URLs
are set. Offline, that step says so and the pipeline runs on what is on disk.

Refreshing from the official sources: `python -m dagster_project.data_sync --refresh wdi,itu_idi`
(or `DATA_REFRESH=wdi make data`; `all` for every source) downloads those sources again even
where files are present, replacing them only once a complete, checked copy has arrived. A
file the connectors downloaded is listed in the raw folder's `.downloads.json`, and the
mirror copy leaves it alone; delete it to go back to the mirror's copy.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from dagster_project import connectors
from dagster_project.settings import Settings

SKIP = {"PROVENANCE.md"}


def sync_mirror(mirror: Path, raw_dir: Path) -> tuple[int, int]:
    """Copy new or changed files; returns (copied, already up to date or downloaded)."""
    downloaded = connectors.load_manifest(raw_dir)
    copied = current = 0
    for source in sorted(p for p in mirror.rglob("*") if p.is_file() and p.name not in SKIP):
        relative = source.relative_to(mirror)
        target = raw_dir / relative
        stat = source.stat()
        if target.exists() and (
            relative.as_posix() in downloaded
            or (target.stat().st_size == stat.st_size and target.stat().st_mtime == stat.st_mtime)
        ):
            current += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        shutil.copyfile(source, partial)
        os.utime(partial, (stat.st_atime, stat.st_mtime))
        partial.replace(target)
        copied += 1
    return copied, current


def parse_refresh(values: list[str]) -> frozenset[str]:
    """Source names from `--refresh a,b` / DATA_REFRESH; `all` stands for every source."""
    names = {name.strip() for value in values for name in value.split(",") if name.strip()}
    return frozenset(connectors.SOURCES) if "all" in names else frozenset(names)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dagster_project.data_sync", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--refresh", action="append", default=[], metavar="SOURCES",
        help=f"download these sources again even if present: comma-separated, from {', '.join(connectors.SOURCES)}, or all",
    )
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    try:
        refresh = parse_refresh(args.refresh + [os.environ.get("DATA_REFRESH", "")])
        download_settings = connectors.ConnectorSettings.from_env()
        if refresh - set(connectors.SOURCES):
            raise ValueError(f"unknown source(s) to refresh: {', '.join(sorted(refresh - set(connectors.SOURCES)))} "
                             f"(known: {', '.join(connectors.SOURCES)}, all)")
    except ValueError as exc:
        print(f"data: {exc}", file=sys.stderr)
        return 2
    if not settings.data_mirror.is_dir():
        print(f"data mirror {settings.data_mirror} not found (set DATA_MIRROR); only downloads will be tried")
    else:
        copied, current = sync_mirror(settings.data_mirror, settings.raw_dir)
        print(f"data: {copied} file(s) copied, {current} up to date, from {settings.data_mirror} to {settings.raw_dir}")
    settings.raw_dir.mkdir(parents=True, exist_ok=True)
    print("data: official sources" + (f" (refreshing {', '.join(sorted(refresh))})" if refresh else ""))
    outcomes = connectors.download_missing(settings.raw_dir, download_settings, refresh=refresh)
    if any(o.status == "offline" for o in outcomes):
        print("data: a source did not answer (offline?); the pipeline runs on what is on disk")
    elif any(o.status == "failed" for o in outcomes):
        print("data: a download failed (see above); the files on disk were left as they were")
    return 0


if __name__ == "__main__":
    sys.exit(main())
