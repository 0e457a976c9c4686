"""The bare view's server settings: the production ones (tracker_project/gunicorn_conf.py),
without the hooks that start the spool's drainer or expire salts (the bare app has no models)."""

from tracker_project.gunicorn_conf import *  # noqa: F403


def _server_hook(server):
    return None


def post_worker_init(worker):
    return None


def worker_exit(server, worker):
    return None


on_starting = when_ready = on_exit = _server_hook
