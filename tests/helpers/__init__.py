"""What the tests share: generated inputs in the releases' layouts, the sample raw folder, reading a built warehouse, a private PostgreSQL server, a headless browser."""
