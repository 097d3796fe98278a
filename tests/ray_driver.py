"""The server's side of a Ray cluster in its own process, for the ``ray`` test that kills the cluster's head.

A :class:`~rnnlab.jobs.manager.JobManager` on the cluster at ``$RNNLAB_RAY_ADDRESS`` (recording into the run
store at ``$RNNLAB_DATA_DIR``), as the web server holds one, answering one JSON line per command line on
stdin: ``submit RUN_ID`` (a long training) → ``{"job_id"}`` or ``{"refused"}``; ``status JOB_ID`` →
``{"state", "message", "epochs", "problem"}``; ``quit`` → ``{"bye"}`` after the manager's shutdown.
A process of its own, because losing the head is what must not end the process that connected to Ray.
"""

from __future__ import annotations

import json
import sys

from rnnlab.jobs.manager import JobManager
from rnnlab.runs.store import RunStore
from tests.test_jobs import long_spec


def main() -> None:
    store = RunStore()
    manager = JobManager(max_per_session=4, recorder=store)
    manager.wait_ready(180)
    for line in sys.stdin:
        command, _, arg = line.strip().partition(" ")
        if command == "submit":
            try:
                answer = {"job_id": manager.submit(long_spec(arg))}
            except ValueError as err:
                answer = {"refused": str(err)}
        elif command == "status":
            status = manager.status(arg)
            answer = {
                "state": status.state,
                "message": status.message,
                "epochs": len(status.history.get("loss", [])),
                "problem": manager.problem(),
            }
        else:
            manager.shutdown(timeout=30)
            answer = {"bye": True}
        print(json.dumps(answer), flush=True)
        if command == "quit":
            return


if __name__ == "__main__":
    main()
