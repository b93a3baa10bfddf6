"""`make data`: fill the raw folder from the local data mirror, then from the official sources.

Each file of the mirror is copied into RAW_DATA_DIR (same relative path) unless an
identical copy is already there, atomically (raw_files.atomic_file), and recorded in the raw
folder's manifest with origin `mirror`. A file that landed through the landing folder or
was downloaded since (origin `landing` or `download` in the manifest), or that differs from
the mirror with no record of where it came from, is newer than the mirror's copy: it is
kept, and `make data` says so. `--refresh mirror` (`make data DATA_REFRESH=mirror`)
replaces such files with the mirror's copies. What the mirror lacks is then downloaded by
the connectors (dagster_project/connectors): the World Bank API for WDI, the WIOD 2013 RData
years, the ITU IDI, and the WIOD 2016 / OECD ICIO archives when their URLs are set. Offline,
that step says so and the pipeline runs on what is on disk.

Refreshing from the official sources: `python -m dagster_project.cli.data_sync --refresh wdi,itu_idi`
(or `make data DATA_REFRESH=wdi`; `all` for every source) downloads those sources again even
where files are present, replacing them only once a complete, checked copy has arrived.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from dagster_project import connectors
from dagster_project.settings import Settings
from dagster_project.storage import raw_files
from dagster_project.storage.files import file_sha256

SKIP = {"PROVENANCE.md"}
MIRROR = "mirror"  # the refresh name that replaces newer raw files with the mirror's copies


@dataclass
class MirrorSync:
    """What a mirror sync did: files copied, already current, kept (newer than the mirror), refused."""

    copied: list[str] = field(default_factory=list)
    current: int = 0
    kept: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def sync_mirror(mirror: Path, raw_dir: Path, replace_newer: bool = False) -> MirrorSync:
    """Copy the mirror's new or changed files; keep newer raw files unless `replace_newer`."""
    manifest = raw_files.load_manifest(raw_dir)
    sync, recorded = MirrorSync(), []
    for source in sorted(p for p in mirror.rglob("*") if p.is_file() and p.name not in SKIP):
        relative = source.relative_to(mirror).as_posix()
        try:
            target = raw_files.safe_path(raw_dir, relative)
        except raw_files.UnsafePath as exc:
            sync.errors.append(str(exc))
            continue
        if target.is_dir() and not target.is_symlink():
            sync.errors.append(f"{target}: a folder is where the mirror's file {relative} belongs; remove or rename it")
            continue
        entry = manifest.get(relative)
        if target.exists():
            if _same_content(source, target):
                sync.current += 1
                if entry is None:
                    recorded.append(target)
                continue
            newer = _why_newer(entry, target)
            if newer and not replace_newer:
                sync.kept.append(
                    f"kept {relative}: {newer}; `make data DATA_REFRESH={MIRROR}` replaces it with the mirror's copy"
                )
                continue
        recorded.append(raw_files.copy_into(raw_dir, relative, source))
        sync.copied.append(relative)
    if recorded:
        raw_files.record(raw_dir, recorded, "mirror", str(mirror))
    return sync


def _same_content(source: Path, target: Path) -> bool:
    a, b = source.stat(), target.stat()
    if a.st_size != b.st_size:
        return False
    return a.st_mtime == b.st_mtime or file_sha256(source) == file_sha256(target)


def _why_newer(entry: dict | None, target: Path) -> str | None:
    """Why the raw file should not be replaced by the mirror's copy, or None if it may be."""
    if entry is None:
        return "it differs from the mirror's copy and the manifest has no record of where it came from"
    origin, when = entry.get("origin"), entry.get("recorded_at", "?")
    if origin == "landing":
        return f"it was accepted from the landing folder on {when}"
    if origin == "download":
        return f"it was downloaded from {entry.get('source', '?')} on {when}"
    if entry.get("sha256") != file_sha256(target):
        return f"it was changed after the mirror copy of {when}"
    return None


def parse_refresh(values: list[str]) -> frozenset[str]:
    """Source names from `--refresh a,b` / DATA_REFRESH; `all` stands for every download source."""
    names = {name.strip() for value in values for name in value.split(",") if name.strip()}
    return (frozenset(connectors.SOURCES) | (names & {MIRROR})) if "all" in names else frozenset(names)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dagster_project.cli.data_sync", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--refresh", action="append", default=[], metavar="SOURCES",
        help=f"download these sources again even if present: comma-separated, from {', '.join(connectors.SOURCES)}, "
        f"or all; `{MIRROR}` replaces raw files newer than the mirror's copies",
    )
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    try:
        refresh = parse_refresh(args.refresh + [os.environ.get("DATA_REFRESH", "")])
        download_settings = connectors.ConnectorSettings.from_env()
        unknown = refresh - set(connectors.SOURCES) - {MIRROR}
        if unknown:
            raise ValueError(f"unknown source(s) to refresh: {', '.join(sorted(unknown))} "
                             f"(known: {', '.join(connectors.SOURCES)}, {MIRROR}, all)")
    except ValueError as exc:
        print(f"data: {exc}", file=sys.stderr)
        return 2
    if not settings.data_mirror.is_dir():
        print(f"data mirror {settings.data_mirror} not found (set DATA_MIRROR); only downloads will be tried")
    else:
        try:
            sync = sync_mirror(settings.data_mirror, settings.raw_dir, replace_newer=MIRROR in refresh)
        except ValueError as exc:  # an unreadable manifest
            print(f"data: {exc}", file=sys.stderr)
            return 1
        print(f"data: {len(sync.copied)} file(s) copied, {sync.current} up to date, {len(sync.kept)} kept, "
              f"from {settings.data_mirror} to {settings.raw_dir}")
        for line in sync.kept:
            print(f"data: {line}")
        for line in sync.errors:
            print(f"data: error: {line}", file=sys.stderr)
        if sync.errors:
            return 1
    settings.raw_dir.mkdir(parents=True, exist_ok=True)
    downloads = refresh - {MIRROR}
    print("data: official sources" + (f" (refreshing {', '.join(sorted(downloads))})" if downloads else ""))
    outcomes = connectors.download_missing(settings.raw_dir, download_settings, refresh=downloads)
    if any(o.status == "offline" for o in outcomes):
        print("data: a source did not answer (offline?); the pipeline runs on what is on disk")
    elif any(o.status == "failed" for o in outcomes):
        print("data: a download failed (see above); the files on disk were left as they were")
    return 0


if __name__ == "__main__":
    sys.exit(main())
