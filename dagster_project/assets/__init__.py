"""Asset definitions, one module per kind of work."""
