"""Whatever a client sends, the beacon answers below 500 and stores exactly what it accepted."""

from urllib.parse import quote_from_bytes

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from visits.models import Visit
from visits.tests.conftest import BROWSER_UA

parameter_names = st.sampled_from(["url", "referrer", "event", "x", "", "url[]"])
values = st.one_of(
    st.text(max_size=300),
    st.just("https://blog.example.com/page"),
    st.builds(lambda tail: "https://blog.example.com/" + tail, st.text(max_size=100)),
)
raw_query = st.binary(max_size=400).map(lambda raw: quote_from_bytes(raw, safe="=&%+"))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=50),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=10,
)
json_bodies = st.one_of(
    st.dictionaries(parameter_names, values, max_size=4),
    st.dictionaries(parameter_names, json_values, max_size=4),
    json_values,
)
headers = st.fixed_dictionaries(
    {
        "HTTP_USER_AGENT": st.sampled_from([BROWSER_UA] * 6 + ["", "curl/8", "x" * 600])
        | st.text(max_size=60)
    },
    optional={
        "HTTP_DNT": st.sampled_from(["1", "0", "yes"]),
        "HTTP_REFERER": values,
        "HTTP_X_FORWARDED_FOR": st.text(max_size=40),
        "HTTP_SEC_PURPOSE": st.sampled_from(["prefetch", "", "prerender"]),
        "REMOTE_ADDR": st.sampled_from(["81.2.69.142", "::1", "garbage", ""]),
    },
)
requests = st.one_of(
    st.tuples(
        st.just("get"), st.fixed_dictionaries({"url": values}, optional={"event": values}), headers
    ),
    st.tuples(st.just("get"), st.dictionaries(parameter_names, values, max_size=4), headers),
    st.tuples(st.just("get_raw"), raw_query, headers),
    st.tuples(st.just("post_json"), json_bodies, headers),
    st.tuples(st.just("post_raw"), st.binary(max_size=300), headers),
    st.tuples(st.sampled_from(["put", "delete", "patch", "options"]), st.none(), headers),
)


@pytest.mark.django_db
@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batch=st.lists(requests, min_size=1, max_size=5))
def test_beacon_never_fails_and_stores_what_it_accepts(site, batch):
    import json

    client = Client()
    path = f"/sites/{site.pk}/visit"
    before = Visit.objects.count()
    stored = 0
    for kind, payload, extra in batch:
        if kind == "get":
            response = client.get(path, payload, **extra)
        elif kind == "get_raw":
            response = client.get(f"{path}?{payload}", **extra)
        elif kind == "post_json":
            response = client.post(
                path, json.dumps(payload), content_type="application/json", **extra
            )
        elif kind == "post_raw":
            response = client.post(
                path, payload, content_type="application/x-www-form-urlencoded", **extra
            )
        else:
            response = getattr(client, kind)(path, **extra)
        assert response.status_code < 500
        if (
            response.status_code == 204
            and not response.has_header("X-Visit-Skipped")
            and kind != "options"
        ):
            stored += 1
        if response.status_code >= 400:
            assert "error" in response.json()
    assert Visit.objects.count() - before == stored
