"""Settings for the portal load test: ParkOS as it is, plus one bare view to compare against."""

from parkos.settings import *  # noqa: F403

ROOT_URLCONF = "bench.loadtest_urls"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
