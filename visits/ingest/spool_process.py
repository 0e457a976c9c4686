"""The one spool of this process: made on first use for the configured directory (made again
when the setting changes, as tests do), started by the server's hooks and reported by the health
check. See `visits.ingest.spool` for how a spool works."""

import atexit
import os
import threading

from django.conf import settings

from visits.ingest.spool import DRAINER_STARTED, Spool
from visits.ingest.spool_store import spool_directory, spool_foreign_files

_process_spool: Spool | None = None
_process_lock = threading.Lock()


def process_spool() -> Spool:
    global _process_spool
    spool, configured = _process_spool, settings.BEACON_SPOOL_DIR
    if spool is not None and spool.configured is configured:  # the hot path: no Path built
        return spool
    with _process_lock:
        if _process_spool is None or _process_spool.directory != spool_directory():
            _process_spool = Spool(spool_directory(), drained=spool_drained())
            atexit.register(_process_spool.close)
        _process_spool.configured = configured
        return _process_spool


def spool_drained() -> bool:
    """Whether a drainer process stores this process's spool: BEACON_SPOOL_DRAINER=process and
    a server that started one (its arbiter says so to the workers it forks)."""
    return settings.BEACON_SPOOL_DRAINER == "process" and bool(os.environ.get(DRAINER_STARTED))


def spool_start() -> None:
    """Start this process's flusher at once in thread mode (gunicorn's post_worker_init hook
    calls it), so a restarted server recovers orphaned files without waiting for traffic."""
    process_spool().start()


def spool_status() -> dict:
    """The spool as the health check reports it: why it cannot be written, if it cannot, and
    how many files of other databases wait in the directory."""
    directory = spool_directory()
    spool = _process_spool
    # A failure writing to another directory (before the setting changed) says nothing of this one.
    failure = spool.failure if spool is not None and spool.directory == directory else ""
    if not failure and directory.exists() and not os.access(directory, os.W_OK):
        failure = f"the spool directory {directory} is not writable"
    foreign = len(spool_foreign_files(directory=directory)) if directory.is_dir() else 0
    return {"status": "error" if failure else "ok", "error": failure, "foreign_files": foreign}


def spool_close() -> None:
    """Let go of this process's spool (gunicorn's worker_exit hook calls it)."""
    if _process_spool is not None:
        _process_spool.close()


def spool_forget() -> None:
    """Stop this process's spool without storing its files (they stay for recovery) and forget
    it, so the next visit makes a new one. Its thread writes through its own connection: left
    running after its database is gone (a test's), it would write into the next one."""
    global _process_spool
    with _process_lock:
        spool, _process_spool = _process_spool, None
    if spool is not None:
        spool.abandon()
