#!/usr/bin/env python3
"""Smoke test of a running Tracker: register, add a site, load the script, send a beacon, see
the visit stored. Standard library only, so it runs on the host against a container.

    python3 deploy/smoke.py http://127.0.0.1:8000
"""

import http.cookiejar
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

BASE = sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:8000"
UA = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0 Safari/537.36"
)
jar = http.cookiejar.CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
opener.addheaders = [("User-Agent", UA)]


def get(path):
    try:
        with opener.open(BASE + path, timeout=20) as response:
            return response.status, response.geturl(), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, path, error.read().decode()


def post(path, data):
    request = urllib.request.Request(BASE + path, data=urllib.parse.urlencode(data).encode())
    request.add_header("Referer", BASE + path)
    try:
        with opener.open(request, timeout=20) as response:
            return response.status, response.geturl(), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, path, error.read().decode()


def csrf(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        sys.exit(1)


status, _, body = get("/healthz")
check(status == 200 and '"status": "ok"' in body, f"/healthz -> {status} {body.strip()}")
for path in ("/", "/accounts/login/", "/static/css/app.css"):
    status, _, _ = get(path)
    check(status == 200, f"{path} -> {status}")
for path in ("/static/js/tracker.js", "/static/js/tracker.5025f1daa113.js"):
    status, _, script = get(path)
    check(status == 200 and "endpoint" in script, f"{path} -> {status}")

email = f"smoke-{uuid.uuid4().hex[:8]}@example.com"
password = "correct horse battery staple " + uuid.uuid4().hex
_, _, html = get("/accounts/register/")
status, url, html = post(
    "/accounts/register/",
    {
        "csrfmiddlewaretoken": csrf(html),
        "name": "Smoke",
        "email": email,
        "password1": password,
        "password2": password,
    },
)
check(status == 200 and "/accounts/register/" not in url, f"register {email} -> {status} {url}")

_, _, html = get("/sites/new/")
status, url, html = post(
    "/sites/new/",
    {
        "csrfmiddlewaretoken": csrf(html),
        "name": "Smoke site",
        "base_url": "https://smoke.example.com",
        "extra_domains": "",
        "timezone": "UTC",
        "retention_days": "",
    },
)
found = re.search(r"/sites/(\d+)/$", url)
check(status == 200 and found, f"add site -> {status} {url}")
site_id = found.group(1)
check("/static/js/tracker.js" in html, "the snippet names the stable script address")

page = f"https://smoke.example.com/pricing?utm_source=smoke-{uuid.uuid4().hex[:6]}"
beacon = urllib.request.Request(
    f"{BASE}/sites/{site_id}/visit",
    data=urllib.parse.urlencode({"url": page, "referrer": "https://news.example.org/"}).encode(),
    headers={"User-Agent": UA},
)
with urllib.request.urlopen(beacon, timeout=20) as response:
    check(response.status == 204, f"beacon -> {response.status}")

for _attempt in range(40):  # the spool stores within a second or two
    status, _, csv = get(f"/sites/{site_id}/visits.csv")
    rows = [line for line in csv.splitlines()[1:] if line.strip()]
    if rows:
        break
    time.sleep(0.5)
check(status == 200 and len(rows) == 1 and "/pricing" in rows[0], f"visit stored: {rows[:1]}")
print("SMOKE OK")
