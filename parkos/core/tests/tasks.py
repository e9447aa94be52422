"""A task for the worker tests: waits until two workers are running and says which process ran it."""

import os
import time
from pathlib import Path

from django.tasks import task

WORKERS = 2
RENDEZVOUS_SECONDS = 60


@task()
def note_pid(number: int, rendezvous: str) -> int:
    # A second worker process takes a second or two to start; without this meeting point the
    # first one can drain the whole queue before the second exists, and the test would learn
    # nothing about two workers claiming side by side.
    here = Path(rendezvous)
    (here / str(os.getpid())).touch()
    deadline = time.monotonic() + RENDEZVOUS_SECONDS
    while len(list(here.iterdir())) < WORKERS and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.02)
    return os.getpid()
