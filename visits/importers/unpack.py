"""Files as they come: a gzipped file (GoatCounter hands its export out as `.csv.gz`, servers
rotate their logs into `.gz`) is read through, told by its first bytes rather than its name."""

import gzip
import io
import zlib
from typing import BinaryIO

from visits.importers.hits import FormatError

GZIP_MAGIC = b"\x1f\x8b"
# A gzip bomb unpacks a small file into gigabytes: read at most this much, whatever the file says.
UNPACKED_RATIO = 100  # real CSVs and logs unpack to 5-20 times their size
UNPACKED_FLOOR = 256 * 1024 * 1024


class _Unpacked(io.RawIOBase):
    def __init__(self, packed: BinaryIO, limit: int):
        self._gzip = gzip.GzipFile(fileobj=packed, mode="rb")
        self._limit = limit
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        try:
            data = self._gzip.read(len(buffer))
        except (OSError, EOFError, zlib.error) as error:
            raise FormatError(f"The gzipped file is damaged or cut short ({error}).") from error
        self._position += len(data)
        if self._position > self._limit:
            raise FormatError(
                f"The gzipped file unpacks to more than {self._limit:,} bytes, "
                f"{UNPACKED_RATIO} times its size: unpack it yourself if it is genuine."
            )
        buffer[: len(data)] = data
        return len(data)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self._position = self._gzip.seek(offset, whence)
        return self._position

    def tell(self) -> int:
        return self._position

    def close(self) -> None:
        self._gzip.close()  # leaves the packed file open: its opener closes it
        super().close()


def unpacked(stream: BinaryIO, *, packed_size: int) -> BinaryIO:
    """The file itself, or, when it is gzipped, its unpacked content (seekable, read lazily)."""
    head = stream.read(2)
    stream.seek(0)
    if head != GZIP_MAGIC:
        return stream
    limit = max(UNPACKED_FLOOR, UNPACKED_RATIO * packed_size)
    content = io.BufferedReader(_Unpacked(stream, limit))
    if content.peek(4)[:4] == b"PK\x03\x04":
        raise FormatError("This is a zip file inside a gzipped file: unpack the .gz first.")
    return content
