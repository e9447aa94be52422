"""Django's SQLite and PostgreSQL engines, plus slow-query logging and query metrics.

settings.py points every database at these (`parkos.core.backends.sqlite3` / `.postgresql`): each
connection gets one execute wrapper, for its whole life, that times the query, counts it for
/metrics and logs it on `parkos.db.slow` when it takes longer than `SLOW_QUERY_MS`.
"""
