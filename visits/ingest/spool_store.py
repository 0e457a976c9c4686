"""Moving spooled visits into the database: each file read on from its recorded offset, in one
transaction per read, without the rows of erased spans or deleted sites; the files of processes
that died recovered; and which files belong to this database at all."""

import fcntl
import logging
import os
import re
from datetime import datetime
from pathlib import Path

import orjson
from django.conf import settings
from django.db import transaction

from sites.models import Site
from visits.ingest.bulk import COLUMNS, visits_insert
from visits.ingest.referrers import referrer_fields
from visits.models import ENGAGEMENT_FIELDS, DatabaseIdentity, SpoolErasure, SpoolProgress

logger = logging.getLogger(__name__)
READ_BYTES = 4 * 1024 * 1024
_NAMED = re.compile(r"^spool-[0-9a-f]{32}-")


def spool_directory() -> Path:
    return Path(settings.BEACON_SPOOL_DIR)


def database_identity() -> str:
    """The random identity of the default database, made on first use."""
    record = DatabaseIdentity.objects.order_by("pk").first()
    if record is None:
        with transaction.atomic():
            DatabaseIdentity.objects.get_or_create(pk=1)
        record = DatabaseIdentity.objects.order_by("pk").first()
    return record.key.hex


def file_prefix(identity: str) -> str:
    return f"spool-{identity}-"


def spool_foreign_files(*, directory: Path | None = None) -> list[Path]:
    """Spool files in the directory that belong to another database (or name none)."""
    directory = directory or spool_directory()
    own = file_prefix(database_identity())
    return [path for path in directory.glob("spool-*.jsonl") if not path.name.startswith(own)]


def line_decode(values: dict) -> dict:
    row = {column: values.get(column, "") for column in COLUMNS}
    row["timestamp"] = datetime.fromisoformat(row["timestamp"])
    row["visitor_hash"] = int(row["visitor_hash"] or 0)
    row["props"] = row["props"] or "{}"
    row["revenue_amount"] = row["revenue_amount"] or None  # absent from lines before revenue
    for column in ENGAGEMENT_FIELDS:  # absent from lines before engagement metrics
        if row[column] == "":
            row[column] = None
    if "channel" not in values:
        # Spooled before visits had a source and channel (an upgrade): derived from the line,
        # the page's own host standing for the site's domains.
        row.update(referrer_fields(referrer=row["referrer"], page_url=row["url"], campaign=row))
    return row


def _line_rows(line: bytes, path: Path) -> list[dict]:
    """The row a line holds; after a failed write, the whole line that follows its torn start
    (a row begins with its site, and a quote inside a value is always escaped)."""
    resumed = line.rfind(b'{"site_id":')
    for start in (0, resumed) if resumed > 0 else (0,):
        try:
            return [line_decode(orjson.loads(line[start:]))]
        except (ValueError, TypeError, KeyError, AttributeError):
            continue
    logger.error("Skipping an unreadable spool line in %s", path.name)
    return []


def file_progress(path: Path) -> int:
    record = SpoolProgress.objects.filter(name=path.name).values_list("offset", flat=True).first()
    return record or 0


def file_ingest(path: Path) -> int:
    """Insert the complete lines after the recorded offset, in one transaction per read."""
    stored = 0
    while True:
        offset = file_progress(path)
        with open(path, "rb") as spool_file:
            spool_file.seek(offset)
            data = spool_file.read(READ_BYTES)
        end = data.rfind(b"\n") + 1  # a line still being written waits for the next round
        if end == 0:
            return stored
        rows = []
        for line in data[:end].splitlines():
            if line:
                rows.extend(_line_rows(line, path))
        with transaction.atomic():
            stored += _insert_keeping_good_rows(_without_erased(rows))
            SpoolProgress.objects.update_or_create(
                name=path.name, defaults={"offset": offset + end}
            )
        if len(data) < READ_BYTES:
            # Read to the end as it was: what workers append meanwhile waits for the next
            # round, in one batch, instead of a few rows per transaction without a pause.
            return stored


def _without_erased(rows: list[dict]) -> list[dict]:
    """The rows no erasure recorded since they were spooled covers."""
    site_ids = {row["site_id"] for row in rows}
    erasures = list(SpoolErasure.objects.filter(site_id__in=site_ids))
    if not erasures:
        return rows
    kept = [
        row
        for row in rows
        if not any(
            erasure.covers(site_id=row["site_id"], timestamp=row["timestamp"])
            for erasure in erasures
        )
    ]
    if len(kept) < len(rows):
        logger.info("Dropping %d spooled visits that were erased", len(rows) - len(kept))
    return kept


def _insert_keeping_good_rows(rows: list[dict]) -> int:
    """Insert rows whose site still exists; a site deleted while its visits waited loses them."""
    site_ids = {row["site_id"] for row in rows}
    existing = set(Site.objects.filter(pk__in=site_ids).values_list("pk", flat=True))
    kept = [row for row in rows if row["site_id"] in existing]
    if len(kept) < len(rows):
        logger.info("Dropping %d spooled visits of deleted sites", len(rows) - len(kept))
    visits_insert(kept)
    return len(kept)


def file_forget(path: Path) -> None:
    path.unlink(missing_ok=True)
    SpoolProgress.objects.filter(name=path.name).delete()


def _names_no_database(path: Path) -> bool:
    # Files written before spool files carried their database's identity.
    return not _NAMED.match(path.name)


def spool_recover_orphans(*, directory: Path | None = None, adopt_unnamed: bool = False) -> int:
    """Ingest and delete the spool files of this database's processes that are gone; return
    visits stored. Files of other databases are left alone (see `spool_foreign_files`); files
    that name no database (written by an older version) are stored here only when asked."""
    directory = directory or spool_directory()
    stored = 0
    paths = set(directory.glob(f"{file_prefix(database_identity())}*.jsonl"))
    if adopt_unnamed:
        paths |= {path for path in directory.glob("spool-*.jsonl") if _names_no_database(path)}
    for path in sorted(paths):
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
            stored += file_ingest(path)
            file_forget(path)
        finally:
            os.close(fd)
    return stored
