"""The warehouse's storage: the DuckLake lake, table writes, publications and the raw folder's files; no Dagster."""
