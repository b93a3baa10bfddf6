"""Tests of one library or model at a time on small inputs built by hand or generated: no Dagster run, no server."""
