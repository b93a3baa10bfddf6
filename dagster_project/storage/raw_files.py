"""The raw folder's files: safe paths, atomic writes, hashes, and a manifest of where each came from.

Three things write into the raw folder: `make data` copying the mirror, the connectors
downloading from the official sources, and the landing sensor accepting a file. Each goes
through here, so each write

* stays inside the raw folder: `safe_path` resolves every folder on the way (a symlinked
  folder pointing elsewhere is refused) and the file itself is replaced, never written
  through (a symlink at the target is replaced by the file, not followed);
* is atomic: a temporary file beside the target, fsynced, renamed over it (`atomic_file`,
  by files.atomic_write);
* is recorded in `.manifest.json` with its origin (`mirror`, `download`, `landing`), SHA-256
  and time, so that `make data` never silently replaces a file that landed or was downloaded
  after the mirror copy (cli/data_sync.py), and the landing sensor can keep the file it replaced
  until the replacement is published (`keep_previous`).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from dagster_project.storage.files import CHUNK, atomic_write, file_sha256

MANIFEST = Path(".manifest.json")
# The manifest of earlier versions, which listed downloads only; read once and folded in.
LEGACY_DOWNLOADS = Path(".downloads.json")
# Files replaced by the landing sensor, kept until the run that uses their replacement succeeds.
PREVIOUS_DIR = Path(".previous")
ORIGINS = ("mirror", "download", "landing")


class UnsafePath(ValueError):
    """A target would land outside the raw folder (an absolute path, `..`, or a symlinked folder)."""


def safe_path(raw_dir: Path, relative: str | Path) -> Path:
    """`raw_dir / relative`, refused unless its folder resolves inside raw_dir.

    The folders are resolved (a symlinked folder leading elsewhere is refused); the last part
    is not, because writes replace it rather than write through it.
    """
    parts = PurePosixPath(str(relative).replace("\\", "/"))
    root = raw_dir.resolve()
    if parts.is_absolute() or ".." in parts.parts or not parts.name or parts.name == ".":
        raise UnsafePath(f"{relative}: would be written outside {root}; refused")
    folder = (root / parts.parent).resolve()
    if not folder.is_relative_to(root):
        raise UnsafePath(f"{relative}: would be written outside {root} (its folder leads to {folder}); refused")
    return folder / parts.name


@contextmanager
def atomic_file(raw_dir: Path, relative: str | Path) -> Iterator[BinaryIO]:
    """A temporary file that replaces `raw_dir/relative` only if the block completes."""
    target = safe_path(raw_dir, relative)
    if target.is_dir() and not target.is_symlink():
        raise IsADirectoryError(f"{target}: a folder is where this file belongs; remove or rename it")
    with atomic_write(target) as out:
        yield out


def copy_into(raw_dir: Path, relative: str | Path, source: Path) -> Path:
    """Copy `source` atomically to `raw_dir/relative` (modification time kept); returns the target."""
    with atomic_file(raw_dir, relative) as out, source.open("rb") as data:
        shutil.copyfileobj(data, out, CHUNK)
    target = safe_path(raw_dir, relative)
    stat = source.stat()
    os.utime(target, (stat.st_atime, stat.st_mtime))
    return target


def load_manifest(raw_dir: Path) -> dict[str, dict]:
    """Relative path -> {origin, sha256, bytes, recorded_at, source[, previous, run_key]}."""
    manifest: dict[str, dict] = {}
    for name, default_origin in ((LEGACY_DOWNLOADS, "download"), (MANIFEST, None)):
        path = raw_dir / name
        if not path.is_file():
            continue
        try:
            entries = json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            raise ValueError(f"{path}: not a readable manifest ({exc}); move it aside to start a new one") from exc
        for relative, entry in entries.items():
            manifest[relative] = {"origin": default_origin, **entry} if default_origin else entry
    return manifest


def record(raw_dir: Path, paths: list[Path], origin: str, source: str, **extra: str) -> None:
    """Record files now in the raw folder as coming from `origin` (one of ORIGINS) at `source`."""
    if origin not in ORIGINS:
        raise ValueError(f"origin {origin!r} is not one of {ORIGINS}")
    manifest = load_manifest(raw_dir)
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    root = raw_dir.resolve()
    for path in paths:
        relative = path.parent.resolve().joinpath(path.name).relative_to(root).as_posix()
        manifest[relative] = {
            "origin": origin, "source": source, "sha256": file_sha256(path), "bytes": path.stat().st_size,
            "recorded_at": stamp, **extra,
        }
    write_manifest(raw_dir, manifest)


def write_manifest(raw_dir: Path, manifest: dict[str, dict]) -> None:
    with atomic_file(raw_dir, MANIFEST) as out:
        out.write(json.dumps(manifest, indent=1, sort_keys=True).encode())
    (raw_dir / LEGACY_DOWNLOADS).unlink(missing_ok=True)  # folded into the manifest


def keep_previous(raw_dir: Path, relative: str | Path) -> Path | None:
    """Move the file at `relative` (if any) under `.previous/`, before a landed file replaces it.

    Returns where it was kept. The landing sensor deletes it once the run fed by its
    replacement has succeeded, and tells the user where it is if that run fails.
    """
    target = safe_path(raw_dir, relative)
    if not target.is_file():
        return None
    kept = safe_path(raw_dir, PREVIOUS_DIR / f"{PurePosixPath(relative)}.{file_sha256(target)[:12]}")
    kept.parent.mkdir(parents=True, exist_ok=True)
    # A copy, not a move: the raw file stays in place until its replacement is renamed over it.
    shutil.copy2(target, kept)
    return kept
