"""Gunicorn reads this file from a checkout's folder; the settings ship in the package."""

from tracker_project.gunicorn_conf import *  # noqa: F403
