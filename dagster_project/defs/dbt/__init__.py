"""The dbt project's models, seeds and tests as assets, one step per dbt domain."""
