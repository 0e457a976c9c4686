"""Steps the two-factor tests share: set it up through the pages, log in, move the clock."""

import re
from datetime import timedelta

import pyotp

LOGIN = "/accounts/login/"
LOGOUT = "/accounts/logout/"
CODE_PAGE = "/accounts/two-factor/"
SETUP = "/accounts/two-factor/setup/"
DISABLE = "/accounts/two-factor/disable/"
NEW_CODES = "/accounts/two-factor/recovery-codes/"
ADDRESS = "81.2.69.142"


def next_step(clock) -> None:
    """On to the app's next code (each code logs in once)."""
    clock.shift(timedelta(seconds=30))


def secret_on(page: str) -> str:
    return re.search(r'id="totp-secret"[^>]*>([A-Z2-7]+)<', page).group(1)


def codes_on(page: str) -> list[str]:
    return re.findall(r"<li><code>([a-z0-9-]+)</code></li>", page)


def set_up(client) -> tuple[pyotp.TOTP, list[str]]:
    """Turn two-factor login on from the set-up page of a logged-in client."""
    app = pyotp.TOTP(secret_on(client.get(SETUP).content.decode()))
    response = client.post(SETUP, {"code": app.now()})
    assert response.status_code == 200
    return app, codes_on(response.content.decode())


def log_in(client, email, password, path=LOGIN):
    return client.post(path, {"username": email, "password": password}, REMOTE_ADDR=ADDRESS)


def enter(client, code, next_page=""):
    query = f"?next={next_page}" if next_page else ""
    return client.post(CODE_PAGE + query, {"code": code}, REMOTE_ADDR=ADDRESS)
