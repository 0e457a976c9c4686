"""A durable write-behind queue for beacon visits: an append-only file per process.

The beacon appends the finished visit row (no IP address: it is already hashed) to its
process's spool file and answers 204 at once. Once `write()` returns, the line is in the
kernel's page cache: it survives the worker being killed. A background thread in each process
inserts new lines in bulk every `FLUSH_SECONDS` and records, in the same transaction, how far
it got (`SpoolProgress`), so every line is stored exactly once. Each process holds an exclusive
`flock` on its own file; a file nobody holds belongs to a process that died, and any process
(or `manage.py spool_flush`) ingests the rest of it and deletes it.
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

from django.conf import settings
from django.db import DatabaseError, close_old_connections, transaction

from sites.models import Site
from visits.ingest.bulk import COLUMNS, VisitRow, visits_insert
from visits.models import SpoolProgress

logger = logging.getLogger(__name__)

FLUSH_SECONDS = 1.0
READ_BYTES = 4 * 1024 * 1024
ROTATE_BYTES = 16 * 1024 * 1024
ORPHAN_CHECK_EVERY = 10  # flushes


def spool_directory() -> Path:
    return Path(settings.BEACON_SPOOL_DIR)


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
        self.path: Path | None = None

    # --- writing -------------------------------------------------------------------------

    def append(self, row: VisitRow) -> None:
        """Queue one named visit row durably, as it is given; called by request threads."""
        line = json.dumps(_encode(row), separators=(",", ":"), ensure_ascii=False) + "\n"
        data = line.encode()
        with self._append_lock:
            if self._pid != os.getpid():
                self._open()
            written = os.write(self._fd, data)
            if written != len(data):
                raise OSError(f"short write to the spool ({written} of {len(data)} bytes)")
        if self.background and (self._thread is None or not self._thread.is_alive()):
            self._start_thread()

    def _open(self) -> None:
        """A new file for this process (first use, or after a fork or rotation)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        name = f"spool-{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}.jsonl"
        self.path = self.directory / name
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        self._pid = os.getpid()
        self._thread = None

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
            rounds += 1
            try:
                self.flush(orphans=rounds % ORPHAN_CHECK_EVERY == 0)
            except Exception:  # the thread must live on: the lines wait safely in the file
                logger.exception("Spool flush failed; will retry")
            finally:
                close_old_connections()

    def flush(self, *, orphans: bool = False) -> int:
        """Insert what this process has spooled (and, if asked, dead processes' files)."""
        with self._flush_lock:
            stored = 0
            if self.path is not None and self._pid == os.getpid():
                stored += _ingest(self.path)
                self._rotate_if_large()
            if orphans:
                stored += spool_recover_orphans(directory=self.directory)
            return stored

    def _rotate_if_large(self) -> None:
        with self._append_lock:
            if self.path is None or self.path.stat().st_size < ROTATE_BYTES:
                return
            # Lines written since this round's insert wait for the next round.
            if _progress(self.path) < self.path.stat().st_size:
                return
            old_path, old_fd = self.path, self._fd
            self._open()
            os.close(old_fd)
            _forget(old_path)

    def close(self) -> None:
        """Stop the thread, store everything spooled so far and remove the file (graceful
        shutdown). If the database can't be reached, the file stays for recovery."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=FLUSH_SECONDS * 5)
        with self._flush_lock, self._append_lock:
            if self.path is None or self._pid != os.getpid():
                return
            try:
                _ingest(self.path)
                _forget(self.path)
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


def _decode(values: dict) -> dict:
    row = {column: values.get(column, "") for column in COLUMNS}
    row["timestamp"] = datetime.fromisoformat(row["timestamp"])
    row["visitor_hash"] = int(row["visitor_hash"] or 0)
    row["props"] = row["props"] or "{}"
    return row


def _progress(path: Path) -> int:
    record = SpoolProgress.objects.filter(name=path.name).values_list("offset", flat=True).first()
    return record or 0


def _ingest(path: Path) -> int:
    """Insert the complete lines after the recorded offset, in one transaction per read."""
    stored = 0
    while True:
        offset = _progress(path)
        with open(path, "rb") as spool_file:
            spool_file.seek(offset)
            data = spool_file.read(READ_BYTES)
        end = data.rfind(b"\n") + 1  # a line still being written waits for the next round
        if end == 0:
            return stored
        rows = []
        for line in data[:end].splitlines():
            try:
                rows.append(_decode(json.loads(line)))
            except (ValueError, TypeError, KeyError, AttributeError):
                logger.error("Skipping an unreadable spool line in %s", path.name)
        with transaction.atomic():
            stored += _insert_keeping_good_rows(rows)
            SpoolProgress.objects.update_or_create(
                name=path.name, defaults={"offset": offset + end}
            )


def _insert_keeping_good_rows(rows: list[dict]) -> int:
    """Insert rows whose site still exists; a site deleted while its visits waited loses them."""
    site_ids = {row["site_id"] for row in rows}
    existing = set(Site.objects.filter(pk__in=site_ids).values_list("pk", flat=True))
    kept = [row for row in rows if row["site_id"] in existing]
    if len(kept) < len(rows):
        logger.info("Dropping %d spooled visits of deleted sites", len(rows) - len(kept))
    visits_insert(kept)
    return len(kept)


def _forget(path: Path) -> None:
    path.unlink(missing_ok=True)
    SpoolProgress.objects.filter(name=path.name).delete()


def spool_recover_orphans(*, directory: Path | None = None) -> int:
    """Ingest and delete the spool files of processes that are gone; return visits stored."""
    directory = directory or spool_directory()
    stored = 0
    for path in sorted(directory.glob("spool-*.jsonl")):
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)  # a live process owns it
            continue
        try:
            stored += _ingest(path)
            _forget(path)
        finally:
            os.close(fd)
    return stored


_process_spool: Spool | None = None
_process_lock = threading.Lock()


def process_spool() -> Spool:
    global _process_spool
    with _process_lock:
        if _process_spool is None or _process_spool.directory != spool_directory():
            _process_spool = Spool(spool_directory())
            atexit.register(_process_spool.close)
        return _process_spool


def spool_close() -> None:
    """Flush this process's spool; gunicorn's worker_exit hook calls it."""
    if _process_spool is not None:
        _process_spool.close()
