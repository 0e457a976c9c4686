"""Gunicorn settings for production: `tracker serve` or `gunicorn tracker_project.wsgi:application`.

`tracker serve` passes them with `-c python:tracker_project.gunicorn_conf`; in a checkout,
gunicorn.conf.py imports them. Tune with environment variables: WEB_CONCURRENCY (workers,
default 2 per core), GUNICORN_THREADS (threads per worker running Django, default 4), PORT or
GUNICORN_BIND (default 127.0.0.1:8000), GUNICORN_TIMEOUT (seconds, default 30),
GUNICORN_MAX_REQUESTS (requests before a worker is replaced, default 100000).

The arbiter loads the app and the user-agent parsers' rules before it forks (`preload_app`),
so a new or replaced worker answers its first beacons as fast as an old one. Deploy new code by
restarting the server (a HUP replaces the workers with the code already loaded).

In spool mode the arbiter also runs the spool's drainer (`tracker spool_drain`) beside the
workers, starts it again if it dies, and stops it last on a shutdown, once it has stored what
the workers left (BEACON_SPOOL_DRAINER=thread: each worker stores its own file instead).
"""

import multiprocessing
import os
import signal
import subprocess
import sys
import threading

bind = os.environ.get("GUNICORN_BIND") or f"127.0.0.1:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# Requests are read on an event loop and only complete ones take a thread: slow clients can't
# hold the workers (tracker_project/worker.py).
worker_class = "tracker_project.worker.Worker"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30  # a restart lets in-flight beacons finish and commit
keepalive = 5
# A leak guard, not a cadence: a replaced worker starts with empty caches (at 10,000 a busy
# server replaced each worker every few seconds, and the beacon's tail was those restarts).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "100000"))
max_requests_jitter = max_requests // 10  # staggered
preload_app = True
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


def _drainer_wanted() -> bool:
    # Read as the workers will (environment and .env); nothing but the settings is loaded here.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker_project.settings")
    from django.conf import settings

    return settings.BEACON_WRITE_MODE == "spool" and settings.BEACON_SPOOL_DRAINER == "process"


# Popen waits on a close-on-exec pipe until its child has exec'd. A worker the arbiter forks in
# that window inherits the pipe's write end and would hold Popen (and so the drainer's restart)
# until that worker exits: the arbiter's forks and the drainer's start never overlap.
_spawning = threading.RLock()


def _fork_before():
    _spawning.acquire()


def _fork_after_in_parent():
    _spawning.release()


def _fork_after_in_child():
    global _spawning
    _spawning = threading.RLock()


os.register_at_fork(
    before=_fork_before, after_in_parent=_fork_after_in_parent, after_in_child=_fork_after_in_child
)


STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT}  # what `tracker spool_drain` stops on


class Drainer:
    """The spool's drainer process (`tracker spool_drain`), started by the arbiter beside the
    workers and started again if it dies; stopped after the workers on a shutdown."""

    def __init__(self, log):
        self.log = log
        self.process = None
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._supervise, name="spool-drainer", daemon=True)

    def start(self):
        self.thread.start()

    def _supervise(self):
        # The drainer starts with SIGTERM and SIGINT held (a thread's mask is what the processes
        # it starts begin with) and takes them once it can finish its work: a stop that comes
        # while it is still starting (systemd signals every process of the service) is answered
        # by storing what the workers left, not by dying with it.
        signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        command = [sys.executable, "-m", "django", "spool_drain"]
        environment = {"DJANGO_SETTINGS_MODULE": "tracker_project.settings", **os.environ}
        while not self.stopping.is_set():
            with _spawning:
                self.process = subprocess.Popen(command, env=environment)  # noqa: S603
            if self.stopping.is_set():  # stopped while it was being started
                self.process.send_signal(signal.SIGTERM)
            self.log.info("Spool drainer started (pid: %s)", self.process.pid)
            code = self.process.wait()
            if self.stopping.is_set():
                return
            # 0: it was asked to stop (a signal to the whole process group, say) and finished.
            report = self.log.info if code == 0 else self.log.error
            report("Spool drainer exited (%s); starting it again", code)
            self.stopping.wait(1)

    def stop(self):
        """After the workers are gone: let the drainer store what they left, and wait."""
        self.stopping.set()
        process = self.process
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
        self.thread.join(timeout=120)
        process = self.process  # the last one started, if one started while it was stopped
        if process is not None and process.poll() is None:  # it never got to its handlers
            process.kill()


_drainer = None


def when_ready(server):
    """Start the spool's drainer once the server listens (before the workers)."""
    global _drainer
    if server.cfg.preload_app:
        _parsers_warm()
    if _drainer_wanted():
        # The workers forked from here only append (visits.ingest.spool.DRAINER_STARTED).
        os.environ["TRACKER_SPOOL_DRAINER_STARTED"] = "1"
        _drainer = Drainer(server.log)
        _drainer.start()


def _parsers_warm():
    from django.db import connections

    from visits.ingest.agents import agents_warm

    agents_warm()
    connections.close_all()  # the workers must not inherit a connection of the arbiter's


def on_exit(server):
    """The workers have stopped: the drainer stores what they left before the server exits."""
    if _drainer is not None:
        _drainer.stop()


def post_worker_init(worker):
    """Expire old visitor salts and, in spool mode, start the flusher now: it recovers the
    files of killed processes within seconds of a start, with or without traffic."""
    from django.conf import settings
    from django.db import DatabaseError

    from visits.ingest.spool_process import spool_start
    from visits.ingest.visitors import visitor_salts_expire

    try:
        visitor_salts_expire()
    except DatabaseError:
        server_log = worker.log
        server_log.exception("Old visitor salts not expired at start (the database did not answer)")
    if settings.BEACON_WRITE_MODE == "spool":
        spool_start()


def worker_exit(server, worker):
    """Let go of this worker's spool file before it goes (the drainer stores the rest; in
    thread mode, the worker stores it itself)."""
    from visits.ingest.spool_process import spool_close

    spool_close()
