"""Files written whole or not at all, and their hashes: the one way the project does either.

A file is written to a temporary name beside its target, flushed to disk and renamed over the
target (a rename within a folder is atomic): a reader sees the old file or the new one, never
half of one, and a failed or killed write leaves at most a `.partial` file that nothing reads.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

CHUNK = 1 << 20


@contextmanager
def atomic_write(target: Path) -> Iterator[BinaryIO]:
    """A binary file that replaces `target` (its folder created) only if the block completes."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    try:
        with os.fdopen(fd, "w+b") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read in chunks (input-output tables run to hundreds of megabytes)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()
