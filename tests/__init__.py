"""The test suite, by kind: unit/, integration/, real_data/, browser/; shared code in helpers/, fixtures in conftest.py."""
