"""A task for the worker tests: takes a moment and says which process ran it."""

import os
import time

from django.tasks import task


@task()
def note_pid(number: int) -> int:
    time.sleep(0.02)
    return os.getpid()
