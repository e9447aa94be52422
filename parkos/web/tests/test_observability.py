"""Seeing it run (Ref: #14): request ids and access logs, metrics for loopback and admins only, slow queries."""

import logging

from django.db import connection
from django.test import Client


def test_every_response_carries_a_request_id_and_is_logged(db, client, caplog, alice):
    client.force_login(alice)  # django-axes wants a request with a password login (Ref: #13)
    with caplog.at_level(logging.INFO, logger="parkos.request"):
        response = client.get("/", HTTP_X_REQUEST_ID="proxy-request-0001")
    assert response["X-Request-ID"] == "proxy-request-0001"
    [line] = [r for r in caplog.records if r.name == "parkos.request"]
    assert line.request_id == "proxy-request-0001"
    assert line.status == 200
    assert line.user_id == alice.pk
    assert line.view == "web:dashboard"
    assert line.duration_ms > 0


def test_an_unusable_inbound_request_id_is_replaced(db, client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="<script>")
    assert response["X-Request-ID"] != "<script>"
    assert len(response["X-Request-ID"]) == 32


def test_metrics_answer_loopback_callers(db, client):
    client.get("/healthz")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert 'parkos_http_requests_total{method="GET",status=' in response.content.decode()


def test_metrics_hide_from_others_and_from_proxied_requests(db, alice):
    remote = Client(REMOTE_ADDR="203.0.113.9")
    assert remote.get("/metrics").status_code == 404
    proxied = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert proxied.get("/metrics").status_code == 404
    remote.force_login(alice)  # an operator admin may look from anywhere
    assert remote.get("/metrics").status_code == 200


def test_metrics_refuse_other_staff(db, client_for):
    client = client_for("bob")
    client.defaults["REMOTE_ADDR"] = "203.0.113.9"
    assert client.get("/metrics").status_code == 404


def test_slow_queries_are_logged_with_their_sql(db, settings, caplog):
    slow = (
        "SELECT pg_sleep(0.05)"
        if connection.vendor == "postgresql"
        else "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400000) SELECT COUNT(*) FROM n"
    )
    with caplog.at_level(logging.WARNING, logger="parkos.db.slow"), connection.cursor() as cursor:
        settings.SLOW_QUERY_MS = 600_000  # no query here takes ten minutes, however busy the machine
        cursor.execute(slow)
        settings.SLOW_QUERY_MS = 20
        cursor.execute(slow)
    [record] = [r for r in caplog.records if r.name == "parkos.db.slow"]
    assert record.sql == slow
    assert record.duration_ms >= 20
