"""Great Expectations (GX Core 1.x) on pandas DataFrames read from DuckDB.

GX's SQL data source is broken on DuckDB upstream, so tables are read into pandas and
validated there with an ephemeral context: suites live in code (quality/suites.py),
reviewed like code, and nothing is written to a GX project folder. Results are reduced to
what an analyst needs in the Dagster UI: which expectations failed, on how many rows, and
a few example values.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

EXAMPLES = 5


@dataclass(frozen=True)
class ExpectationFailure:
    expectation: str
    column: str | None
    unexpected_count: int | None
    examples: list = field(default_factory=list)

    def describe(self) -> str:
        where = f" on {self.column}" if self.column else ""
        rows = f": {self.unexpected_count} row(s)" if self.unexpected_count is not None else ""
        examples = f", e.g. {self.examples}" if self.examples else ""
        return f"{self.expectation}{where}{rows}{examples}"


@dataclass(frozen=True)
class ValidationSummary:
    suite: str
    rows: int
    evaluated: int
    failures: tuple[ExpectationFailure, ...]

    @property
    def success(self) -> bool:
        return not self.failures


def _examples(result: dict) -> list:
    """Offending values for row-level expectations, the observed value for table-level ones."""
    values = result.get("partial_unexpected_list")
    if values:
        return list(values)[:EXAMPLES]
    observed = result.get("observed_value")
    if observed is None:
        return []
    return list(observed)[:EXAMPLES] if isinstance(observed, (list, tuple, set)) else [observed]


@lru_cache(maxsize=1)
def _batch_definition():
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas("warehouse_frames")
    return source.add_dataframe_asset("frame").add_batch_definition_whole_dataframe("whole_frame")


def validate_frame(frame: pd.DataFrame, suite_name: str, expectations: list) -> ValidationSummary:
    """Run `expectations` (gx.expectations.* instances) on `frame`."""
    import great_expectations as gx

    suite = gx.ExpectationSuite(name=suite_name, expectations=[e.copy() for e in expectations])
    batch = _batch_definition().get_batch(batch_parameters={"dataframe": frame})
    result = batch.validate(suite, result_format={"result_format": "SUMMARY", "partial_unexpected_count": EXAMPLES})
    failures = tuple(
        ExpectationFailure(
            expectation=r.expectation_config.type,
            column=r.expectation_config.kwargs.get("column")
            or ", ".join(r.expectation_config.kwargs.get("column_list", [])) or None,
            unexpected_count=r.result.get("unexpected_count"),
            examples=_examples(r.result),
        )
        for r in result.results
        if not r.success
    )
    return ValidationSummary(suite=suite_name, rows=len(frame), evaluated=len(result.results), failures=failures)
