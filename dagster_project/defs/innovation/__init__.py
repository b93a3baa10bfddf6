"""One ingest asset per indicator source file of the innovation study, with its declared checks."""
