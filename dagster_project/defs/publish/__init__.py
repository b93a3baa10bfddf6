"""The analysts' published snapshot, last in the lineage."""
