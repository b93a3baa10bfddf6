"""A run's staging folder on a worker goes with its last year (each Celery worker stages in a folder of its own)."""

from dagster_project.input_output import staging


def test_the_run_folder_goes_with_its_last_staged_year(tmp_path):
    run = tmp_path / "staging" / "run-1"
    for year in ("2001", "2002"):
        (run / year).mkdir(parents=True)
        (run / year / "flows.parquet").write_bytes(b"staged")

    staging.remove_staged_year(run / "2001")
    assert sorted(p.name for p in run.iterdir()) == ["2002"]
    staging.remove_staged_year(run / "2002")
    assert not run.exists()
    assert (tmp_path / "staging").is_dir()  # other runs' folders live beside it


def test_a_run_folder_holding_step_outputs_stays(tmp_path):
    run = tmp_path / "staging" / "run-1"
    (run / "outputs").mkdir(parents=True)
    (run / "2001").mkdir()
    staging.remove_staged_year(run / "2001")
    assert [p.name for p in run.iterdir()] == ["outputs"]
