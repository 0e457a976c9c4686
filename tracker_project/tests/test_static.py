"""Static files and the tracking script: served before and after `collectstatic`, and across
upgrades at every address a pasted snippet may name."""

import gzip
import re

import pytest
import rjsmin
from django.core.management import call_command

from sites.models import Site
from sites.snippet import tracking_snippet
from tracker_project.settings import PACKAGE_DIR

pytestmark = pytest.mark.django_db

SOURCE = (PACKAGE_DIR / "static" / "js" / "tracker.js").read_bytes()
SCRIPT = rjsmin.jsmin(SOURCE)  # what is served
README = (PACKAGE_DIR.parent / "README.md").read_text()


@pytest.fixture
def packaged_storage(settings, tmp_path):
    """The production storage with an empty STATIC_ROOT, as on a fresh install."""
    settings.STATIC_ROOT = tmp_path / "static"
    settings.WHITENOISE_USE_FINDERS = True
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "tracker_project.staticfiles.CollectedOrSourceStorage"},
    }
    return settings.STATIC_ROOT


def test_pages_and_their_files_answer_before_collectstatic(client, packaged_storage):
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    assert 'href="/static/css/app.css"' in page.content.decode()
    stylesheet = client.get("/static/css/app.css")
    assert stylesheet.status_code == 200
    assert client.get("/healthz").json()["status"] == "ok"


def test_pages_link_hashed_names_once_collected(client, packaged_storage):
    call_command("collectstatic", interactive=False, verbosity=0)
    body = client.get("/accounts/login/").content.decode()
    assert "/static/css/app.css" not in body
    assert "/static/css/app." in body


def test_healthz_fails_when_pages_would(client, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "empty"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["static"] == "missing"


@pytest.mark.parametrize(
    "path",
    [
        "/static/js/tracker.js",
        "/static/js/tracker.5025f1daa113.js",  # names snippets were pasted with before
        "/static/js/tracker.0123456789ab.js",
    ],
)
def test_every_script_address_answers_with_the_current_script(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.content == SCRIPT
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "public, max-age=3600"
    assert "immutable" not in response["Cache-Control"]


def test_the_script_revalidates_with_its_etag(client):
    etag = client.get("/static/js/tracker.js")["ETag"]
    again = client.get("/static/js/tracker.5025f1daa113.js", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    stale = client.get("/static/js/tracker.js", headers={"If-None-Match": '"older"'})
    assert stale.status_code == 200


def test_the_script_is_gzipped_for_browsers_that_take_it(client):
    response = client.get("/static/js/tracker.js", headers={"Accept-Encoding": "gzip, br"})
    assert response["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.content) == SCRIPT


def test_other_names_are_not_the_script(client):
    assert client.get("/static/js/tracker.nothex00000z.js").status_code == 404
    assert client.get("/static/js/tracker.js.map").status_code == 404


def test_the_snippet_names_the_stable_address_even_once_collected(client, packaged_storage):
    call_command("collectstatic", interactive=False, verbosity=0)

    assert Site  # the snippet needs only a primary key
    request = client.get("/healthz").wsgi_request
    snippet = tracking_snippet(site=Site(pk=7), request=request)
    assert 'src="http://testserver/static/js/tracker.js"' in snippet


def test_the_served_script_is_the_minified_source_and_the_readme_says_its_size(client):
    served = client.get("/static/js/tracker.js").content
    assert served == SCRIPT
    assert len(served) < len(SOURCE) * 0.8
    assert b"/*" not in served  # comments are for the source
    gzipped = client.get("/static/js/tracker.js", headers={"Accept-Encoding": "gzip"}).content
    sizes = re.search(r"served minified \(([\d,]+) bytes, ([\d,]+) gzipped", README)
    assert sizes, "the README states the served sizes"
    assert [int(size.replace(",", "")) for size in sizes.groups()] == [len(served), len(gzipped)]
    assert f"({len(SOURCE):,} / {len(served):,} / {len(gzipped):,} bytes)" in README
