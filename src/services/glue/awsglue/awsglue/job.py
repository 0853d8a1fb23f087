"""awsglue.job.Job: init() names the run; commit() records the job bookmark, which nimbus's Glue
stores when the run succeeds with --job-bookmark-option job-bookmark-enable (GetJobBookmark)."""

import json
import os
import sys
import time


def _argument(name):
    argv = sys.argv
    for i, arg in enumerate(argv[:-1]):
        if arg == "--" + name:
            return argv[i + 1]
    return None


class Job:
    def __init__(self, glue_context):
        self._context = glue_context
        self._name = None
        self._args = {}
        self._committed = False

    @staticmethod
    def continuation_enabled():
        return _argument("job-bookmark-option") == "job-bookmark-enable"

    def init(self, job_name, args=None):
        self._name = job_name
        self._args = dict(args or {})
        self._context._job = self

    def commit(self):
        self._committed = True
        target = os.environ.get("NIMBUS_GLUE_BOOKMARK_FILE")
        if not target or not self.continuation_enabled():
            return
        bookmark = {
            "job": self._name,
            "run_id": _argument("JOB_RUN_ID"),
            "committed_at": time.time(),
            "transformations": self._context._bookmark_states,
        }
        with open(target, "w") as out:
            json.dump(bookmark, out)

    def isInitialized(self):
        return self._name is not None
