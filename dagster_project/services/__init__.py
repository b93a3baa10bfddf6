"""Servers of one's own on loopback (PostgreSQL, Redis) for the scale-out profile on one machine and the tests."""
