"""Gunicorn settings for production: `tracker serve` or `gunicorn tracker_project.wsgi:application`.

`tracker serve` passes them with `-c python:tracker_project.gunicorn_conf`; in a checkout,
gunicorn.conf.py imports them. Tune with environment variables: WEB_CONCURRENCY (workers,
default 2 per core), GUNICORN_THREADS (threads per worker running Django, default 4), PORT or
GUNICORN_BIND (default 127.0.0.1:8000), GUNICORN_TIMEOUT (seconds, default 30).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND") or f"127.0.0.1:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# Requests are read on an event loop and only complete ones take a thread: slow clients can't
# hold the workers (tracker_project/worker.py).
worker_class = "tracker_project.worker.Worker"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30  # a restart lets in-flight beacons finish and commit
keepalive = 5
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "10000"))  # recycle now and then
max_requests_jitter = max_requests // 10  # staggered
limit_request_line = 8190
limit_request_fields = 100
# Heartbeat files in memory, so a slow disk never makes a worker look dead.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108

# Logs to stdout. The access log leaves out the client address (%(h)s) and the referer:
# no visitor's IP is written anywhere.
accesslog = "-"
errorlog = "-"
access_log_format = '"%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")


def post_worker_init(worker):
    """Expire old visitor salts and, in spool mode, start the flusher now: it recovers the
    files of killed processes within seconds of a start, with or without traffic."""
    from django.conf import settings
    from django.db import DatabaseError

    from visits.ingest.spool import spool_start
    from visits.ingest.visitors import visitor_salts_expire

    try:
        visitor_salts_expire()
    except DatabaseError:
        server_log = worker.log
        server_log.exception("Old visitor salts not expired at start (the database did not answer)")
    if settings.BEACON_WRITE_MODE == "spool":
        spool_start()


def worker_exit(server, worker):
    """Store the visits this worker still has spooled before it goes."""
    from visits.ingest.spool import spool_close

    spool_close()
