"""The world map: the TopoJSON reader, the projection, and the map on the dashboard."""

import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client

from sites.services import shared_link_create
from visits.stats.topojson import topology_arcs
from visits.stats.worldmap import (
    antimeridian_split,
    natural_earth,
    ring_path,
    topology_shapes,
    world_map,
)
from visits.tests.factories import VisitFactory

NOW = datetime(2026, 3, 15, 15, 0, tzinfo=UTC)

# Two squares sharing their middle edge (arc 1), and a triangle: quantized, delta-encoded.
TINY = {
    "type": "Topology",
    "transform": {"scale": [2, 3], "translate": [10, 20]},
    "arcs": [
        [[1, 0], [-1, 0], [0, 1], [1, 0]],  # (12,20) (10,20) (10,23) (12,23)
        [[1, 1], [0, -1]],  # (12,23) (12,20): the shared edge
        [[1, 1], [1, 0], [0, -1], [-1, 0]],  # (12,23) (14,23) (14,20) (12,20)
        [[0, 0], [2, 0], [0, 2], [-2, -2]],  # (10,20) (14,20) (14,26) (10,20)
    ],
    "objects": {
        "shapes": {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "Polygon", "arcs": [[0, 1]], "id": "1", "properties": {"name": "West"}},
                {"type": "Polygon", "arcs": [[2, ~1]], "id": "2", "properties": {"name": "East"}},
                {"type": "MultiPolygon", "arcs": [[[3]], [[3]]], "id": "3"},
                {"type": "Point", "coordinates": [0, 0], "id": "4"},
                {"type": "Polygon", "arcs": [[3]], "id": "5"},
            ],
        }
    },
}


def test_arcs_are_decoded_from_deltas_and_the_transform():
    assert topology_arcs(TINY)[0] == [(12, 20), (10, 20), (10, 23), (12, 23)]
    assert topology_arcs(TINY)[2] == [(12, 23), (14, 23), (14, 20), (12, 20)]


def test_tiny_topology_as_exact_svg_paths():
    shapes = topology_shapes(TINY, "shapes", project=lambda x, y: (x, -y), left_out={"5"})
    assert [(shape.id, shape.name, shape.path) for shape in shapes] == [
        # Arc 0 then arc 1, their common point once; the closing point is the "z".
        ("1", "West", "M12-20l-2 0 0-3 2 0z"),
        # Arc 2 then arc 1 backwards (~1).
        ("2", "East", "M12-23l2 0 0 3-2 0z"),
        ("3", "", "M10-20l4 0 0-6zM10-20l4 0 0-6z"),
    ]


def test_rings_without_area_on_the_grid_draw_nothing():
    assert ring_path([(1, 1), (1, 1), (2, 2), (1, 1)]) == ""
    assert ring_path([(0, 0), (3, 0), (3, 0), (0, 4), (0, 0)]) == "M0 0l3 0-3 4z"
    # Steps along one line are one step; a turn back is not.
    assert ring_path([(0, 0), (1, 0), (3, 0), (3, 2), (3, 1), (0, 1)]) == "M0 0l3 0 0 2 0-1-3 0z"


def test_a_ring_across_the_180th_meridian_is_cut_in_two():
    ring = [(170, 0), (180, 0), (-170, 0), (-170, 5), (-180, 5), (170, 5), (170, 0)]
    assert antimeridian_split(ring) == [
        [(170, 0), (180, 0), (170, 5), (170, 0)],
        [(-170, 0), (-170, 5), (-180, 5)],
    ]
    assert antimeridian_split([(0, 0), (1, 0), (1, 1)]) == [[(0, 0), (1, 0), (1, 1)]]


def test_natural_earth_projection():
    assert natural_earth(0, 0) == (0, 0)
    x, y = natural_earth(180, 0)
    assert round(x, 4) == 2.7354 and y == 0  # pi * 0.8707
    assert natural_earth(10, 50)[1] < 0  # north is up


def test_world_map_is_the_countries_without_antarctica():
    geometry = world_map()
    codes = {code for code, _ in geometry.countries}
    assert len(geometry.countries) == 176 and geometry.width == 1000
    assert {"DE", "FR", "US", "FJ", "RU"} <= codes and "AQ" not in codes
    unnamed = sorted(shape.name for code, shape in geometry.countries if not code)
    assert unnamed == ["Kosovo", "N. Cyprus", "Somaliland"]
    for _, shape in geometry.countries:  # every point on the drawing
        numbers = [int(n) for n in re.findall(r"-?\d+", shape.path.split("l")[0])]
        assert 0 <= numbers[0] <= geometry.width and 0 <= numbers[1] <= geometry.height


@pytest.fixture
def visits(site):
    with time_machine.travel(NOW, tick=False):
        for number in range(1234):
            VisitFactory(
                site=site,
                timestamp=datetime(2026, 3, 14, 9, tzinfo=UTC),
                visitor_hash=number + 1,
                country_code="DE",
                country="Germany",
            )
        VisitFactory(
            site=site,
            timestamp=datetime(2026, 3, 14, 9, tzinfo=UTC),
            visitor_hash=9999,
            country_code="FR",
            country="France",
        )
        yield site


def _map(body: str) -> str:
    return body.split('<figure class="world-map">')[1].split("</figure>")[0]


@pytest.mark.django_db
def test_the_dashboard_map_links_shades_and_titles_countries(owner_client, visits):
    with time_machine.travel(NOW, tick=False):
        response = owner_client.get(f"/sites/{visits.pk}/stats/?period=7d")
    body = response.content.decode()
    groups = {
        g["title"]: [p["dimension"] for p in g["panels"]] for g in response.context["panel_groups"]
    }
    assert groups["Locations"] == ["map", "country", "region", "city"]
    # The map is the card's first tab, shown; the countries wait behind theirs.
    assert 'id="panel-map" role="tabpanel" aria-labelledby="tab-map">' in body
    assert 'id="panel-country" role="tabpanel" aria-labelledby="tab-country" hidden>' in body
    drawn = _map(body)
    paths = {shape.name: shape.path for _, shape in world_map().countries}
    # The same link as Germany's row in the Countries panel.
    row_link = re.search(r'<a href="([^"]+)" title="Filter by Germany">', body).group(1)
    assert row_link == "?period=7d&amp;country=DE"
    assert (
        f'<a href="{row_link}"><path class="s5" d="{paths["Germany"]}">'
        "<title>Germany: 1,234 visitors</title></path></a>"
    ) in drawn
    # One visitor of 1,234: the lightest shade, and "visitor".
    assert f'<path class="s1" d="{paths["France"]}"><title>France: 1 visitor</title>' in drawn
    # A country without visitors is grey and no link.
    assert f'<path d="{paths["Brazil"]}"><title>Brazil</title></path>' in drawn
    assert "country=BR" not in drawn
    assert drawn.count("<a ") == 2
    assert "Visitors: 1" in drawn and "1,234</figcaption>" in drawn


@pytest.mark.django_db
def test_the_map_names_every_country_in_the_pages_language(owner_client, visits):
    with time_machine.travel(NOW, tick=False):
        body = owner_client.get(
            f"/sites/{visits.pk}/stats/?period=7d", headers={"accept-language": "de"}
        ).content.decode()
    drawn = _map(body)
    paths = {shape.name: shape.path for _, shape in world_map().countries}
    assert "<title>Deutschland: 1.234 Besucher</title>" in drawn  # visited: its row's name
    assert f'<path d="{paths["Brazil"]}"><title>Brasilien</title></path>' in drawn
    assert f'<path d="{paths["Spain"]}"><title>Spanien</title></path>' in drawn
    # Places without an ISO code keep the map's own name.
    assert "<title>Kosovo</title>" in drawn


@pytest.mark.django_db
def test_the_inline_map_stays_small(owner_client, visits):
    with time_machine.travel(NOW, tick=False):
        body = owner_client.get(f"/sites/{visits.pk}/stats/?period=7d").content.decode()
    assert len(_map(body).encode()) < 60_000


@pytest.mark.django_db
def test_the_shared_dashboard_has_the_map_and_filters_through_its_own_address(visits):
    link = shared_link_create(site=visits)
    with time_machine.travel(NOW, tick=False):
        client = Client()
        body = client.get(f"/share/{link.token}/", {"period": "7d"}).content.decode()
        assert '<a href="?period=7d&amp;country=DE">' in _map(body)
        filtered = client.get(f"/share/{link.token}/", {"period": "7d", "country": "DE"})
    drawn = _map(filtered.content.decode())
    assert drawn.count("<a ") == 1 and "Germany: 1,234 visitors" in drawn


@pytest.mark.django_db
def test_a_period_without_visitors_draws_a_grey_map(owner_client, visits):
    with time_machine.travel(NOW, tick=False):
        body = owner_client.get(f"/sites/{visits.pk}/stats/?period=day").content.decode()
    drawn = _map(body)
    assert "<a " not in drawn and drawn.count("<path ") == 176
    assert "Nothing in this period." in drawn


def test_inline_map_bytes_with_every_country_visited(rf):
    from django.template.loader import render_to_string

    from visits.stats.breakdowns import BreakdownRow
    from visits.stats.worldmap import map_countries

    rows = [
        (BreakdownRow(code, shape.name, 1_000_000 + n, 0), f"?period=30d&country={code}")
        for n, (code, shape) in enumerate(world_map().countries)
        if code
    ]
    drawn = render_to_string("includes/world_map.html", {"map": map_countries(rows)})
    assert drawn.count("<a ") == 173
    assert len(drawn.encode()) < 60_000
