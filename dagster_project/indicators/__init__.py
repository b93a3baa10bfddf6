"""Indicator source files (World Bank, ITU, PATSTAT, NCSES, OECD, KITA): their declarations and typed reader; no Dagster."""
