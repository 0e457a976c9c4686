"""A durable write-behind queue for beacon visits: an append-only file per process.

The beacon appends the finished visit row (no IP address: it is already hashed) to its
process's spool file and answers 204 at once. Once `write()` returns, the line is in the
kernel's page cache: it survives the worker being killed. A background thread in each process
inserts new lines in bulk every `FLUSH_SECONDS` and records, in the same transaction, how far
it got (`SpoolProgress`), so every line is stored exactly once. Each process holds an exclusive
`flock` on its own file; a file nobody holds belongs to a process that died, and any process
(or `manage.py spool_flush`) ingests the rest of it and deletes it.

A file's name carries the identity of the database it was written for (`DatabaseIdentity`), so
it is only ever stored there; files of other databases sharing the directory are left alone and
counted. A write that fails (a full disk) leaves no partial line: the file is cut back to its
last full line and retired, and the next visit starts a new file. Lines of visits erased while
they waited (`SpoolErasure`) are dropped when they are ingested.
"""

import atexit
import fcntl
import json
import logging
import os
import socket
import threading
import uuid
from datetime import datetime
from pathlib import Path

from django.db import DatabaseError, close_old_connections

from visits.ingest.bulk import VisitRow
from visits.ingest.spool_store import (
    database_identity,
    file_forget,
    file_ingest,
    file_prefix,
    file_progress,
    spool_directory,
    spool_foreign_files,
    spool_recover_orphans,
)
from visits.ingest.visitors import visitor_salts_expire

logger = logging.getLogger(__name__)

FLUSH_SECONDS = 1.0
ROTATE_BYTES = 16 * 1024 * 1024
ORPHAN_CHECK_EVERY = 10  # flushes
HOUSEKEEPING_EVERY = 3600  # flushes: expire old visitor salts about hourly


class Spool:
    """This process's spool file, and the thread that moves its lines into the database."""

    def __init__(self, directory: Path, *, background: bool = True) -> None:
        self.directory = directory
        self.background = background
        self._append_lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._fd: int | None = None
        self._pid: int | None = None
        self._size = 0
        self._retired: list[tuple[Path, int]] = []
        self.path: Path | None = None
        self.failure = ""  # why the last append failed, until one succeeds

    # --- writing -------------------------------------------------------------------------

    def append(self, row: VisitRow) -> None:
        """Queue one named visit row durably, as it is given; called by request threads."""
        line = json.dumps(_encode(row), separators=(",", ":"), ensure_ascii=False) + "\n"
        data = line.encode()
        with self._append_lock:
            try:
                if self._pid != os.getpid():
                    self._open()
                self._write(data)
            except OSError as error:
                self.failure = f"cannot write to the spool: {error}"
                raise
            self.failure = ""
        self.start()

    def start(self) -> None:
        """Start the background thread, if this spool has one and it is not running."""
        if self.background and (self._thread is None or not self._thread.is_alive()):
            self._start_thread()

    def _write(self, data: bytes) -> None:
        try:
            written = os.write(self._fd, data)
            if written != len(data):
                raise OSError(f"short write ({written} of {len(data)} bytes)")
        except OSError:
            self._retire()
            raise
        self._size += written

    def _retire(self) -> None:
        """Cut the file back to its last full line and leave it to the flusher; the next visit
        opens a new file, so no partial line ever joins a later one."""
        try:
            os.ftruncate(self._fd, self._size)
        except OSError:
            logger.exception("Spool: could not cut %s back to its last full line", self.path)
        self._retired.append((self.path, self._fd))
        self.path, self._fd, self._pid = None, None, None

    def _open(self) -> None:
        """A new file for this process (first use, or after a fork, rotation or failure)."""
        if self._pid is not None and self._pid != os.getpid():
            # After a fork: the parent's files and thread are the parent's.
            self._retired, self._thread = [], None
        identity = database_identity()
        self.directory.mkdir(parents=True, exist_ok=True)
        unique = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        name = f"{file_prefix(identity)}{unique}.jsonl"
        path = self.directory / name
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        self.path, self._size, self._pid = path, 0, os.getpid()

    # --- flushing ------------------------------------------------------------------------

    def _start_thread(self) -> None:
        with self._append_lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._thread = threading.Thread(target=self._run, name="spool-flusher", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        rounds = 0
        while not self._stop.wait(FLUSH_SECONDS):
            try:
                # Orphans and old salts are seen to in the first round: right after a start.
                if rounds % HOUSEKEEPING_EVERY == 0:
                    visitor_salts_expire()
                self.flush(orphans=rounds % ORPHAN_CHECK_EVERY == 0)
            except Exception:  # the thread must live on: the lines wait safely in the file
                logger.exception("Spool flush failed; will retry")
            finally:
                close_old_connections()
            rounds += 1

    def flush(self, *, orphans: bool = False) -> int:
        """Insert what this process has spooled (and, if asked, dead processes' files)."""
        with self._flush_lock:
            stored = self._flush_retired()
            if self.path is not None and self._pid == os.getpid():
                stored += file_ingest(self.path)
                self._rotate_if_large()
            if orphans:
                stored += spool_recover_orphans(directory=self.directory)
            return stored

    def _flush_retired(self) -> int:
        stored = 0
        with self._append_lock:
            retired, self._retired = self._retired, []
        for position, (path, fd) in enumerate(retired):
            try:
                stored += file_ingest(path)
                file_forget(path)
            except Exception:
                with self._append_lock:
                    self._retired[:0] = retired[position:]
                raise
            os.close(fd)
        return stored

    def _rotate_if_large(self) -> None:
        with self._append_lock:
            if self.path is None or self.path.stat().st_size < ROTATE_BYTES:
                return
            # Lines written since this round's insert wait for the next round.
            if file_progress(self.path) < self.path.stat().st_size:
                return
            old_path, old_fd = self.path, self._fd
            self._open()
            os.close(old_fd)
            file_forget(old_path)

    def close(self) -> None:
        """Stop the thread, store everything spooled so far and remove the file (graceful
        shutdown). If the database can't be reached, the file stays for recovery."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=FLUSH_SECONDS * 5)
        with self._flush_lock:
            try:
                self._flush_retired()
            except DatabaseError:
                logger.exception("Spool not flushed at shutdown; its file will be recovered")
                return
        with self._flush_lock, self._append_lock:
            if self.path is None or self._pid != os.getpid():
                return
            try:
                file_ingest(self.path)
                file_forget(self.path)
            except DatabaseError:
                logger.exception("Spool not flushed at shutdown; its file will be recovered")
                return
            os.close(self._fd)
            self.path, self._fd, self._pid = None, None, None


def _encode(row: VisitRow) -> dict:
    # Named values: a line written before a new column existed still reads after it.
    return {
        column: value.isoformat() if isinstance(value, datetime) else value
        for column, value in row.items()
    }


_process_spool: Spool | None = None
_process_lock = threading.Lock()


def process_spool() -> Spool:
    global _process_spool
    with _process_lock:
        if _process_spool is None or _process_spool.directory != spool_directory():
            _process_spool = Spool(spool_directory())
            atexit.register(_process_spool.close)
        return _process_spool


def spool_start() -> None:
    """Start this process's flusher at once (gunicorn's post_worker_init hook calls it in spool
    mode), so a restarted server recovers orphaned files without waiting for traffic."""
    process_spool().start()


def spool_status() -> dict:
    """The spool as the health check reports it: why it cannot be written, if it cannot, and
    how many files of other databases wait in the directory."""
    directory = spool_directory()
    failure = _process_spool.failure if _process_spool is not None else ""
    if not failure and directory.exists() and not os.access(directory, os.W_OK):
        failure = f"the spool directory {directory} is not writable"
    foreign = len(spool_foreign_files(directory=directory)) if directory.is_dir() else 0
    return {"status": "error" if failure else "ok", "error": failure, "foreign_files": foreign}


def spool_close() -> None:
    """Flush this process's spool; gunicorn's worker_exit hook calls it."""
    if _process_spool is not None:
        _process_spool.close()
