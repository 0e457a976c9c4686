"""Installing a GeoIP database: validate first, then replace the live file atomically."""

import io
import os
import shutil
import tarfile
import tempfile
import urllib.request
from base64 import b64encode
from pathlib import Path

from django.conf import settings

from visits.ingest.geo import geoip_database_path, open_reader

DOWNLOAD_URL = "https://download.maxmind.com/geoip/databases/GeoLite2-City/download?suffix=tar.gz"
DOWNLOAD_MAX_BYTES = 200 * 1024 * 1024


class GeoIPInstallError(Exception):
    pass


def geoip_install_file(*, source: Path, target: Path | None = None) -> tuple[Path, str]:
    """Copy a checked `.mmdb` over the live database in one rename; return (path, description)."""
    target = target or geoip_database_path()
    description = _describe(source)
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=".geoip-", suffix=".mmdb")
    try:
        with os.fdopen(descriptor, "wb") as out, open(source, "rb") as src:
            shutil.copyfileobj(src, out)
            out.flush()
            os.fsync(out.fileno())
        _describe(Path(temporary))
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target, description


def geoip_download(*, account_id: str, license_key: str, url: str = "") -> bytes:
    """Fetch the GeoLite2-City archive and return the `.mmdb` inside it."""
    url = url or getattr(settings, "GEOIP_DOWNLOAD_URL", DOWNLOAD_URL)
    if not url.startswith(("https://", "http://")):
        raise GeoIPInstallError(f"refusing to download from {url!r}: not an http(s) URL")
    request = urllib.request.Request(url)  # noqa: S310 (scheme checked above)
    token = b64encode(f"{account_id}:{license_key}".encode()).decode()
    request.add_header("Authorization", f"Basic {token}")
    try:
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
            archive = response.read(DOWNLOAD_MAX_BYTES + 1)
    except OSError as exc:
        raise GeoIPInstallError(f"download failed: {exc}") from exc
    if len(archive) > DOWNLOAD_MAX_BYTES:
        raise GeoIPInstallError("download is larger than expected; refusing it")
    return mmdb_from_archive(archive)


def mmdb_from_archive(archive: bytes) -> bytes:
    try:
        with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
            for member in tar.getmembers():
                if member.isfile() and member.name.endswith(".mmdb"):
                    extracted = tar.extractfile(member)
                    if extracted is not None:
                        return extracted.read()
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise GeoIPInstallError(f"the download is not a readable tar.gz archive: {exc}") from exc
    raise GeoIPInstallError("the archive holds no .mmdb file")


def _describe(path: Path) -> str:
    try:
        reader = open_reader(path)
    except ValueError as exc:
        raise GeoIPInstallError(str(exc)) from exc
    metadata = reader.metadata()
    reader.close()
    return f"{metadata.database_type}, built {metadata.build_epoch}, {metadata.node_count} nodes"
