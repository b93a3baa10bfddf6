"""A snapshot of the code location: every asset (with its group, kinds and freshness), check, job, schedule
and sensor, as the UI lists them (the dagster-open-platform way).

A change that adds, removes, renames or regroups any of them shows up here as a diff of
tests/unit/__snapshots__/test_definitions_snapshot.ambr, to be reviewed and accepted with
`.venv/bin/pytest tests/unit/test_definitions_snapshot.py --snapshot-update`.
"""

from dagster_project.definitions import defs


def test_every_asset_check_job_schedule_and_sensor(snapshot):
    specs = defs.resolve_all_asset_specs()
    graph = defs.resolve_asset_graph()
    assert {
        "assets": [
            f"{spec.key.to_user_string()} [{spec.group_name}; {', '.join(sorted(spec.kinds)) or '-'}]"
            + (f" fresh within {spec.freshness_policy.fail_window.to_timedelta()}" if spec.freshness_policy else "")
            for spec in sorted(specs, key=lambda s: s.key.to_user_string())
        ],
        "checks": sorted(f"{key.asset_key.to_user_string()}: {key.name}" for key in graph.asset_check_keys),
        "jobs": sorted(job.name for job in defs.resolve_all_job_defs()),
        "schedules": sorted(f"{s.name} ({s.cron_schedule})" for s in defs.schedules),
        "sensors": sorted(sensor.name for sensor in defs.sensors),
    } == snapshot
