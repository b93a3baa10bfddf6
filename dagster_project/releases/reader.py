"""What every input-output release reader provides, as a `typing.Protocol` the reader modules satisfy.

A reader is a module (wiod2013, wiod2016, oecd_icio), not a class: the registry lists the
modules, and a type checker verifies each against this protocol (PEP 544 admits modules).
A new release needs only a module with these three names, added to registry.RELEASES.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, runtime_checkable

from dagster_project.releases.io_table import IoTable


@runtime_checkable
class ReleaseReader(Protocol):
    """A release: its classification (the key of its seeds) and the years and tables of the raw folder."""

    CLASSIFICATION: str

    def available_years(self, raw_dir: Path) -> list[int]:
        """The table years whose files are in the raw folder (none: an empty list)."""
        ...

    def read_year(self, raw_dir: Path, year: int) -> IoTable:
        """The year's validated table; `IoInputError` naming the file and what is wrong otherwise."""
        ...
