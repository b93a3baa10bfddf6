"""The Celery app a worker runs: `celery -A dagster_project.instance.worker worker` (`make worker`).

Imported by the Celery command only. It loads the code location once, in the worker's parent
process, so the processes that run the steps (forked from it) start with Dagster, the
definitions and the libraries the steps use already imported, as the multiprocess executor's
forkserver does (dagster_project/definitions.py: STEP_PRELOAD).
"""

import importlib

from dagster_project.definitions import STEP_PRELOAD
from dagster_project.instance.celery_workers import worker_app
from dagster_project.settings import Settings

for _module in STEP_PRELOAD:
    importlib.import_module(_module)

app = worker_app(Settings.from_env())
