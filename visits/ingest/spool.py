"""A durable write-behind queue for beacon visits: an append-only file per process.

The beacon appends the finished visit row (no IP address: it is already hashed) to its
process's spool file and answers 204 at once. Once `write()` returns, the line is in the
kernel's page cache: it survives the worker being killed. Each line is one `O_APPEND` write, so
request threads write side by side; a lock is held only to count who writes to which file, never
across a system call of the hot path. Each process holds an exclusive `flock` on its own file; a
file nobody holds belongs to a process that died (or a file it finished), and is ingested by
whoever stores spooled visits next, then deleted.

Who stores them (`BEACON_SPOOL_DRAINER`): under the production server, one drainer process beside
the workers (`spool_drain`) stores every file of the directory, so request workers only append;
with `thread`, a thread in each process inserts its own file's new lines every `FLUSH_SECONDS`
and recovers orphans. Either way the offset stored so far is recorded in the same transaction as
the rows (`SpoolProgress`), so every line is stored exactly once.

A file's name carries the identity of the database it was written for (`DatabaseIdentity`), so
it is only ever stored there; files of other databases sharing the directory are left alone and
counted. A write that fails (a full disk) retires the file: its torn line is ended and skipped on
reading, and the next visit starts a new file. Lines of visits erased while they waited
(`SpoolErasure`) are dropped when they are ingested.
"""

import fcntl
import logging
import os
import socket
import threading
import uuid
import weakref
from pathlib import Path

import orjson
from django.db import DatabaseError, close_old_connections

from visits.ingest.bulk import VisitRow
from visits.ingest.spool_store import (
    database_identity,
    file_forget,
    file_ingest,
    file_prefix,
    file_progress,
    spool_recover_orphans,
)
from visits.ingest.visitors import visitor_salts_expire

logger = logging.getLogger(__name__)

FLUSH_SECONDS = 1.0
ROTATE_BYTES = 16 * 1024 * 1024
ORPHAN_CHECK_EVERY = 10  # flushes
HOUSEKEEPING_EVERY = 3600  # flushes: expire old visitor salts about hourly
DRAINER_STARTED = "TRACKER_SPOOL_DRAINER_STARTED"  # set by the server that started a drainer


class SpoolFile:
    """One open spool file and how many request threads are writing to it right now."""

    __slots__ = ("fd", "path", "retired", "size", "writers")

    def __init__(self, path: Path, fd: int) -> None:
        self.path, self.fd = path, fd
        self.size = 0
        self.writers = 0
        self.retired = False


class Spool:
    """This process's spool file, and (with `background`) the thread that stores its lines.

    `drained`: another process (the drainer) stores the files; this one only appends, rotates a
    large file by closing it (the drainer adopts it) and never writes to the database.
    """

    def __init__(self, directory: Path, *, background: bool = True, drained: bool = False) -> None:
        self.directory = directory
        self.background = background and not drained
        self.drained = drained
        self._lock = threading.Lock()  # guards which file is current and its writer counts
        self._flush_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._file: SpoolFile | None = None
        self._retired: list[SpoolFile] = []
        self.failure = ""  # why the last append failed, until one succeeds
        self.configured: object = None  # the BEACON_SPOOL_DIR value it was made for
        _spools.add(self)

    @property
    def path(self) -> Path | None:
        current = self._file
        return current.path if current is not None else None

    # --- writing -------------------------------------------------------------------------

    def append(self, row: VisitRow) -> None:
        """Queue one named visit row durably, as it is given; called by request threads."""
        # Named values, so a line written before a new column existed still reads after it;
        # orjson writes what json.dumps(separators=(",", ":"), ensure_ascii=False) would, with
        # datetimes in ISO 8601, in a twentieth of the time.
        data = orjson.dumps(row, option=orjson.OPT_APPEND_NEWLINE)
        with self._lock:
            current = self._file
            if current is not None:
                current.writers += 1
        try:
            if current is None:
                current = self._open_current()
        except OSError as error:
            self.failure = f"cannot write to the spool: {error}"
            raise
        try:
            written = os.write(current.fd, data)
            if written != len(data):
                _end_torn_line(current.fd)
                raise OSError(f"short write ({written} of {len(data)} bytes)")
        except OSError as error:
            self.failure = f"cannot write to the spool: {error}"
            self._done_writing(current, failed=True)
            raise
        current.size += written  # an estimate under concurrency: it only decides rotation
        self.failure = ""
        self._done_writing(current, failed=False)
        if self.background and (self._thread is None or not self._thread.is_alive()):
            self.start()

    def _open_current(self) -> SpoolFile:
        """The current file with one more writer, opened first if there is none (first use,
        after a fork, a rotation or a failure)."""
        with self._lock:
            if self._file is None:
                self._file = self._open()
            self._file.writers += 1
            return self._file

    def _done_writing(self, current: SpoolFile, *, failed: bool) -> None:
        closing = None
        with self._lock:
            current.writers -= 1
            if self._file is current and (
                failed or (self.drained and current.size >= ROTATE_BYTES)
            ):
                self._file = None  # the next visit starts a new file
                current.retired = True
                self._retired.append(current)
            if self.drained and current.retired and current.writers == 0:
                # Closing releases its flock: the drainer stores the rest and deletes it.
                self._retired.remove(current)
                closing = current
        if closing is not None:
            os.close(closing.fd)

    def start(self) -> None:
        """Start the background thread, if this spool has one and it is not running."""
        if not self.background:
            return
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._thread = threading.Thread(target=self._run, name="spool-flusher", daemon=True)
            self._thread.start()

    def _open(self, *, tries: int = 3) -> SpoolFile:
        identity = database_identity()
        self.directory.mkdir(parents=True, exist_ok=True)
        unique = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        path = self.directory / f"{file_prefix(identity)}{unique}.jsonl"
        # Locked under a name nobody looks at, then named: never seen unheld, so never taken
        # for an orphan and deleted before its first line.
        opening = path.with_suffix(".opening")
        fd = os.open(opening, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            os.rename(opening, path)
        except OSError:
            # A drainer took the empty file for a killed process's before it was locked.
            os.close(fd)
            if tries <= 1:
                raise
            return self._open(tries=tries - 1)
        return SpoolFile(path, fd)

    def _after_fork(self) -> None:
        # The parent's files, flock and thread are the parent's; a child starts its own.
        self._lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self._file, self._retired, self._thread = None, [], None

    # --- flushing (thread mode) ----------------------------------------------------------

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
            current = self._file
            if current is not None:
                stored += file_ingest(current.path)
                self._rotate_if_large(current)
            if orphans:
                stored += spool_recover_orphans(directory=self.directory)
            return stored

    def _flush_retired(self) -> int:
        stored = 0
        with self._lock:
            idle = [spool_file for spool_file in self._retired if spool_file.writers == 0]
        for spool_file in idle:  # a file still being written to waits for the next round
            stored += file_ingest(spool_file.path)
            file_forget(spool_file.path)
            with self._lock:
                self._retired.remove(spool_file)
            os.close(spool_file.fd)
        return stored

    def _rotate_if_large(self, current: SpoolFile) -> None:
        if current.path.stat().st_size < ROTATE_BYTES:
            return
        # Lines written since this round's insert wait for the next round.
        if file_progress(current.path) < current.path.stat().st_size:
            return
        with self._lock:
            if self._file is not current or current.writers:
                return
            self._file = None
        os.close(current.fd)
        file_forget(current.path)

    def close(self) -> None:
        """Stop the thread and let go of the files. Thread mode stores everything spooled so
        far and removes the files (graceful shutdown); a drained spool closes them for the
        drainer. If the database can't be reached, the files stay for recovery."""
        for spool_file in self._let_go():
            try:
                if not self.drained:
                    file_ingest(spool_file.path)
                    file_forget(spool_file.path)
            except DatabaseError:
                logger.exception("Spool not flushed at shutdown; its file will be recovered")
            finally:
                os.close(spool_file.fd)

    def abandon(self) -> None:
        """Stop the thread and let go of the files without storing them: they stay behind for
        recovery, as a killed process's would."""
        for spool_file in self._let_go():
            os.close(spool_file.fd)

    def _let_go(self) -> list[SpoolFile]:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=FLUSH_SECONDS * 5)
        with self._lock:
            files = [*self._retired, *([self._file] if self._file is not None else [])]
            self._file, self._retired = None, []
        return files


def _end_torn_line(fd: int) -> None:
    # A partial line must not run into the next one; the reader skips what is unreadable.
    try:
        os.write(fd, b"\n")
    except OSError:
        logger.warning("Spool: a torn line could not be ended; its file is retired")


_spools: "weakref.WeakSet[Spool]" = weakref.WeakSet()


def _reset_after_fork() -> None:
    for spool in list(_spools):
        spool._after_fork()


os.register_at_fork(after_in_child=_reset_after_fork)
