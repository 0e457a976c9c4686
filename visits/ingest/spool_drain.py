"""The drainer: one process beside the server's workers that stores every spool file.

Request workers only append to their own files (`Spool(drained=True)`); the drainer reads each
file of this database on from its recorded offset every `FLUSH_SECONDS`, live or not, and
deletes the files no process holds any more (a worker that stopped, was killed or rotated its
file) once everything in them is stored. It is the only process storing a directory's files
while it runs: it holds the directory's drainer lock, so a second one (a restarted server while
the old drainer finishes) waits, and `spool_flush` leaves the files to it.

On SIGTERM or SIGINT it keeps storing until no worker holds a file any more (the server stops
its workers at the same time), then stores the rest and exits; killed, it loses nothing: a
round's rows and its offset commit together, and the next drainer carries on from there.
"""

import fcntl
import logging
import os
import signal
import threading
import time
from pathlib import Path

from django.db import close_old_connections

from visits.ingest.spool_store import (
    database_identity,
    file_forget,
    file_ingest,
    file_prefix,
    spool_directory,
)
from visits.ingest.visitors import visitor_salts_expire

logger = logging.getLogger(__name__)

FLUSH_SECONDS = 1.0
HOUSEKEEPING_EVERY = 3600  # rounds: expire old visitor salts about hourly
OPENING_SETTLE_SECONDS = 10
STOP_WAIT_SECONDS = 60  # at most this long after a stop for the workers to let go of their files


def drainer_lock_path(directory: Path) -> Path:
    return directory / f".drainer-{database_identity()}.lock"


def drainer_running(*, directory: Path | None = None) -> bool:
    """Whether a drainer holds this directory's lock (for this database) right now."""
    directory = directory or spool_directory()
    path = drainer_lock_path(directory)
    if not path.exists():
        return False
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def spool_drain_round(*, directory: Path) -> tuple[int, int]:
    """Store what every file of this database holds; delete the files nobody holds.

    Returns (visits stored, files still held by a live process)."""
    stored = held = 0
    if not directory.is_dir():
        return 0, 0
    _forget_unfinished_openings(directory)
    for path in sorted(directory.glob(f"{file_prefix(database_identity())}*.jsonl")):
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            continue
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                held += 1  # a worker appends to it: store its complete lines so far
                stored += file_ingest(path)
                continue
            stored += file_ingest(path)
            file_forget(path)
        finally:
            os.close(fd)
    return stored, held


def _forget_unfinished_openings(directory: Path) -> None:
    # A process killed while opening its file leaves it under its opening name, empty. One
    # just created may not be locked yet: only files some seconds old are taken for orphans.
    settled = time.time() - OPENING_SETTLE_SECONDS
    for path in directory.glob(f"{file_prefix(database_identity())}*.opening"):
        try:
            if path.stat().st_mtime > settled:
                continue
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            path.unlink(missing_ok=True)
        except BlockingIOError:
            pass  # being opened right now
        finally:
            os.close(fd)


def spool_drain_run(*, directory: Path | None = None, stop: threading.Event | None = None) -> int:
    """Drain the spool directory until `stop` is set and no worker holds a file; return the
    visits stored. Waits for another drainer of the same directory to finish first."""
    directory = directory or spool_directory()
    stop = stop or threading.Event()
    directory.mkdir(parents=True, exist_ok=True)
    lock_fd = os.open(drainer_lock_path(directory), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock_fd, fcntl.LOCK_EX)
        return _drain(directory, stop)
    finally:
        os.close(lock_fd)


def _drain(directory: Path, stop: threading.Event) -> int:
    total = rounds = 0
    stopped_at = None
    while True:
        if stop.is_set() and stopped_at is None:
            stopped_at = time.monotonic()
        held = 1
        try:
            if rounds % HOUSEKEEPING_EVERY == 0:
                visitor_salts_expire()
            stored, held = spool_drain_round(directory=directory)
            total += stored
        except Exception:  # the lines wait safely in their files: try again next round
            logger.exception("Spool drain failed; will retry")
        finally:
            close_old_connections()
        rounds += 1
        if stopped_at is not None:
            if held == 0:
                return total
            if time.monotonic() - stopped_at > STOP_WAIT_SECONDS:
                logger.warning("Spool drainer stopping with %d files still held", held)
                return total
            time.sleep(0.1)
        else:
            stop.wait(FLUSH_SECONDS)


def spool_drain_forever() -> int:
    """The drainer process's main: drain until SIGTERM or SIGINT, then finish and return."""
    stop = threading.Event()
    stop_signals = (signal.SIGTERM, signal.SIGINT)
    for signum in stop_signals:
        signal.signal(signum, lambda *_: stop.set())
    # The server starts its drainer with them held: one that came while it started arrives now.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, stop_signals)
    return spool_drain_run(stop=stop)
