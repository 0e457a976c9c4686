"""Bringing history in from elsewhere: readers for each format, told apart by their first bytes."""

import csv
from typing import BinaryIO

from visits.importers import access_log, goatcounter, ours, plausible, umami
from visits.importers.hits import FormatError

READERS = {
    "ours": ours.read,
    "plausible": plausible.read,
    "umami": umami.read,
    "goatcounter": goatcounter.read,
    "access-log": access_log.read,
}
FORMAT_NAMES = tuple(READERS)


def format_detect(stream: BinaryIO) -> str:
    """The format of a seekable file, from its first line (or its zip signature)."""
    head = stream.read(8192)
    stream.seek(0)
    if head.startswith(b"PK\x03\x04"):
        # Self-hosted Umami zips its metric CSVs too: its reader says what can't be done.
        return "umami" if umami.is_metrics_zip(stream) else "plausible"
    lines = head.decode("utf-8-sig", errors="replace").splitlines()
    first = lines[0] if lines else ""
    header = next(csv.reader([first]), [])
    for name, looks_like in (
        ("goatcounter", goatcounter.looks_like),
        ("umami", umami.looks_like),
        ("ours", ours.looks_like),
    ):
        if header and looks_like(header):
            return name
    if access_log.looks_like(first):
        return "access-log"
    raise FormatError(
        "Can't tell what kind of file this is. Give --format: " + ", ".join(FORMAT_NAMES) + "."
    )
