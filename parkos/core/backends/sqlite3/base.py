from typing import Any

from django.db.backends.sqlite3 import base

from parkos.core.observability import time_queries


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        time_queries(self)
