"""`tracker serve`: migrate, collect static files when they changed, run the production server."""

import hashlib
import os
import sys
import time

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection

STAMP = ".tracker-static"


def static_fingerprint() -> str:
    """A digest of every static file's name, size and time, as the finders see them."""
    digest = hashlib.sha256()
    for finder in get_finders():
        for path, storage in sorted(finder.list([]), key=lambda found: found[0]):
            stat = os.stat(storage.path(path))
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


class Command(BaseCommand):
    help = (
        "Run the production server (gunicorn with the packaged config) after applying "
        "migrations and collecting static files when they changed. Settings come from the "
        "environment, as for every command."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--bind", help="address:port to listen on (default GUNICORN_BIND, or 127.0.0.1:PORT)"
        )
        parser.add_argument(
            "--wait",
            type=int,
            default=30,
            help="seconds to wait for the database to answer before giving up (default 30)",
        )
        parser.add_argument(
            "--no-migrate", action="store_true", help="do not apply migrations first"
        )
        parser.add_argument(
            "--no-start",
            action="store_true",
            help="prepare (migrate, collect static files) and exit, e.g. when building an image",
        )

    def handle(self, *args, bind=None, wait=30, no_migrate=False, no_start=False, **options):
        if not no_migrate:
            self._wait_for_database(wait)
            call_command("migrate", interactive=False, verbosity=max(options["verbosity"] - 1, 0))
        self._collect_static_if_changed()
        if no_start:
            return
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            "python:tracker_project.gunicorn_conf",
            *(["--bind", bind] if bind else []),
            "tracker_project.wsgi:application",
        ]
        self.stdout.write(f"Serving with gunicorn (data in {settings.DATA_DIR}).")
        self.stdout.flush()
        sys.stderr.flush()
        connection.close()
        os.execv(sys.executable, command)  # noqa: S606 - the server replaces this process

    def _wait_for_database(self, seconds: int) -> None:
        deadline = time.monotonic() + seconds
        while True:
            try:
                connection.ensure_connection()
                return
            except DatabaseError as error:
                if time.monotonic() >= deadline:
                    raise CommandError(f"The database does not answer: {error}") from error
                connection.close()
                time.sleep(1)

    def _collect_static_if_changed(self) -> None:
        root = settings.STATIC_ROOT
        stamp = root / STAMP
        fingerprint = static_fingerprint()
        manifest = root / "staticfiles.json"
        if manifest.is_file() and stamp.is_file() and stamp.read_text() == fingerprint:
            return
        try:
            call_command("collectstatic", interactive=False, verbosity=0)
            stamp.write_text(fingerprint)
        except OSError as error:
            raise CommandError(
                f"Could not collect static files into STATIC_ROOT ({root}): {error}. "
                "Make it writable, or run `tracker collectstatic --noinput` as a user who can."
            ) from error
        self.stdout.write(f"Collected static files into {root}.")
