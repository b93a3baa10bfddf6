"""The year-partitioned input-output tables: the graph asset, its blocking checks, partitions and backfill job."""
