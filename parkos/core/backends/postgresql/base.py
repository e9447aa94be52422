from typing import Any

from django.db import DEFAULT_DB_ALIAS
from django.db.backends.postgresql import base

from parkos.core.observability import time_queries


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, settings_dict: dict[str, Any], alias: str = DEFAULT_DB_ALIAS) -> None:
        super().__init__(settings_dict, alias)
        time_queries(self)
