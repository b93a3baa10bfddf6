"""Input-output release readers (WIOD 2013, WIOD 2016, OECD ICIO) into one validated table type; no Dagster."""
