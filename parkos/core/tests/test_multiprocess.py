"""Past one machine: several processes share the database and Redis (Ref: #14).

- two task workers take each task once (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: exclusive claims);
- two application servers sharing one Redis hold the public requirement form's rate limit together.
"""

import http.client
import re
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
from django_tasks_db.models import DBTaskResult

from parkos.core.tests.processes import (
    finish,
    free_port,
    manage,
    process_env,
    redis_server,
    redis_server_path,
    shared_database,
    start_app_server,
    stop,
    wait_http,
)
from parkos.core.tests.tasks import note_pid

pytestmark = pytest.mark.slow

TASKS = 40


def test_two_workers_take_each_task_once(transactional_db, tmp_path):
    rendezvous = tmp_path / "workers"
    rendezvous.mkdir()
    for number in range(TASKS):
        note_pid.enqueue(number, str(rendezvous))
    with shared_database(tmp_path) as url:
        env = process_env(tmp_path, url)
        args = ("worker", "--batch", "--no-startup-delay", "--interval", "0", "--queue-name", "*")
        workers = [manage(*args, "--worker-id", f"w{i}", env=env) for i in (1, 2)]
        results = [finish(worker) for worker in workers]
        assert [code for code, _out, _err in results] == [0, 0], results
    done = list(DBTaskResult.objects.filter(task_path__endswith="note_pid"))
    assert len(done) == TASKS
    assert {result.status for result in done} == {"SUCCESSFUL"}
    # Each task was claimed by exactly one worker (a second claim would append its id)…
    assert all(len(result.worker_ids) == 1 for result in done)
    # …and both workers took part (the task waits until two worker processes have started).
    assert {result.worker_ids[0] for result in done} == {"w1", "w2"}
    assert len(list(rendezvous.iterdir())) == 2


def _csrf(conn: http.client.HTTPConnection) -> tuple[str, str]:
    conn.request("GET", "/requirement/")
    response = conn.getresponse()
    page = response.read().decode()
    assert response.status == 200, page[:500]
    cookie = SimpleCookie(response.getheader("Set-Cookie", ""))["csrftoken"].value
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    return cookie, token.group(1)


def _post(port: int, cookie: str, token: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = urlencode({"csrfmiddlewaretoken": token, "company_name": ""})
    conn.request(
        "POST",
        "/requirement/",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookie}",
            "Referer": f"http://127.0.0.1:{port}/requirement/",
        },
    )
    response = conn.getresponse()
    response.read()
    return response.status


@pytest.mark.skipif(redis_server_path() is None, reason="needs Debian's redis-server (scripts/ensure-system-packages)")
def test_requirement_form_limits_hold_across_two_app_servers_sharing_redis(transactional_db, tmp_path):
    limit = 3
    with redis_server(tmp_path) as redis_url, shared_database(tmp_path) as url:
        env = process_env(tmp_path, url, REDIS_URL=redis_url, INVESTMENT_FORM_IP_LIMIT=str(limit))
        first = free_port()
        ports = [first, free_port(taken=(first,))]
        servers = [start_app_server(port, env) for port in ports]
        try:
            for port, server in zip(ports, servers, strict=True):
                wait_http(port, "/healthz", process=server)
            cookie, token = _csrf(http.client.HTTPConnection("127.0.0.1", ports[0], timeout=30))
            # Alternate between the two servers: each alone has seen at most `limit` posts, together more.
            statuses = [_post(ports[i % 2], cookie, token) for i in range(limit + 2)]
        finally:
            for server in servers:
                stop(server)
    # The first `limit` posts are counted and refused as incomplete (400); past the limit, 429 —
    # on whichever server: with per-process counters, server 0 would have seen only 3 and server 1 two.
    assert statuses == [400] * limit + [429, 429]
