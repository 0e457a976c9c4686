"""Downloads: CSV that is safe to open in a spreadsheet, streamed as an attachment."""

import csv
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse

# A cell starting with one of these is run as a formula by Excel, LibreOffice and Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    def write(self, value: str) -> str:
        return value


def defuse(value: object) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_lines(*, header: Iterable[str], rows: Iterable[Iterable]) -> Iterator[str]:
    """Yield CSV lines one at a time, so a response can stream millions of rows."""
    writer = csv.writer(_Echo())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([defuse(value) for value in row])


def download_response(
    lines: Iterable[str], *, filename: str, content_type: str = "text/csv; charset=utf-8"
) -> StreamingHttpResponse:
    """A streamed attachment (CSV, JSON or JSON lines), never cached on the way."""
    response = StreamingHttpResponse(lines, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
