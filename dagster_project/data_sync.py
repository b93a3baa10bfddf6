"""`make data`: fill the raw folder from the local data mirror.

Each file of the mirror is copied into RAW_DATA_DIR (same relative path) unless an
identical copy is already there; a copy goes to a temporary name first and is renamed into
place, so an interrupted sync never leaves half a file. A WIOD 2013 RData year missing from
the mirror is downloaded from its public source when the network answers.
"""

from __future__ import annotations

import os
import shutil
import sys
import urllib.error
import urllib.request
from pathlib import Path

from dagster_project.partitions import WIOD2013_RELEASE_YEARS
from dagster_project.settings import Settings
from dagster_project.wiod2013 import RDATA_DIR

WIOD2013_URL = os.environ.get(
    "WIOD2013_BASE_URL", "https://raw.githubusercontent.com/bquast/wiod/master/data"
)
DOWNLOAD_TIMEOUT_S = 30
SKIP = {"PROVENANCE.md"}


def sync_mirror(mirror: Path, raw_dir: Path) -> tuple[int, int]:
    """Copy new or changed files; returns (copied, already up to date)."""
    copied = current = 0
    for source in sorted(p for p in mirror.rglob("*") if p.is_file() and p.name not in SKIP):
        target = raw_dir / source.relative_to(mirror)
        stat = source.stat()
        if target.exists() and target.stat().st_size == stat.st_size and target.stat().st_mtime == stat.st_mtime:
            current += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        shutil.copyfile(source, partial)
        os.utime(partial, (stat.st_atime, stat.st_mtime))
        partial.replace(target)
        copied += 1
    return copied, current


def download_missing_wiod(raw_dir: Path) -> list[str]:
    """Fetch WIOD 2013 RData years the mirror lacked; returns what could not be had."""
    unavailable = []
    for year in WIOD2013_RELEASE_YEARS:
        target = raw_dir / RDATA_DIR / f"wiot_{year}.RData"
        if target.exists():
            continue
        url = f"{WIOD2013_URL}/wiot_{year}.RData"
        partial = target.with_name(target.name + ".partial")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_S) as response, open(partial, "wb") as out:
                shutil.copyfileobj(response, out)
            partial.replace(target)
            print(f"  downloaded {url}")
        except (urllib.error.URLError, OSError) as exc:
            partial.unlink(missing_ok=True)
            unavailable.append(f"{target.name} ({url}: {exc})")
    return unavailable


def main() -> int:
    settings = Settings.from_env()
    if not settings.data_mirror.is_dir():
        print(f"data mirror {settings.data_mirror} not found (set DATA_MIRROR); only downloads will be tried")
    else:
        copied, current = sync_mirror(settings.data_mirror, settings.raw_dir)
        print(f"data: {copied} file(s) copied, {current} up to date, from {settings.data_mirror} to {settings.raw_dir}")
    unavailable = download_missing_wiod(settings.raw_dir)
    if unavailable:
        print("data: not in the mirror and not downloadable (offline?); the pipeline runs on what is on disk:")
        for line in unavailable:
            print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
