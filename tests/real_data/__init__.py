"""Tests on the real data mirror (../shared/data): `make run` as the README gives it, then the published figures and the README's queries."""
