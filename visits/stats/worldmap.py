"""The dashboard's world map: Natural Earth's countries as SVG paths, shaded by visitors.

The geometry is vendored (`data/countries-110m.json`), read and projected once per process."""

import functools
import itertools
import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pycountry

from visits.stats.labels import country_name
from visits.stats.topojson import Point, Ring, topology_polygons

GEOMETRY = Path(__file__).parent / "data" / "countries-110m.json"
WIDTH = 1000  # the SVG's viewBox width; its height follows the projection
CLASSES = 5  # shades of the fill, from fewest to most visitors
LEFT_OUT = {"010"}  # Antarctica: a wide band of nobody's visitors


def natural_earth(longitude: float, latitude: float) -> Point:
    """The Natural Earth projection (Šavrič et al., 2011) of degrees, unscaled."""
    lam, phi = math.radians(longitude), math.radians(latitude)
    phi2 = phi * phi
    phi4 = phi2 * phi2
    x = lam * (
        0.8707 - 0.131979 * phi2 + phi4 * (-0.013791 + phi4 * (0.003971 * phi2 - 0.001529 * phi4))
    )
    y = phi * (
        1.007226 + phi2 * (0.015085 + phi4 * (-0.044475 + 0.028874 * phi2 - 0.005916 * phi4))
    )
    return x, -y  # SVG's y grows downwards


def ring_path(points: Iterable[tuple[int, int]]) -> str:
    """'M x y' then relative steps on the integer grid; '' for a ring with no area there."""
    kept: list[tuple[int, int]] = []
    for point in points:
        if not kept or point != kept[-1]:
            kept.append(point)
    if len(kept) > 1 and kept[0] == kept[-1]:
        kept.pop()  # "z" closes the ring
    if len(kept) < 3:
        return ""
    (x, y), steps = kept[0], []
    for next_x, next_y in kept[1:]:
        step = (next_x - x, next_y - y)
        if steps and _same_direction(steps[-1], step):
            last = steps.pop()
            step = (last[0] + step[0], last[1] + step[1])
        steps.append(step)
        x, y = next_x, next_y
    text = " ".join(f"{dx} {dy}" for dx, dy in steps)
    # A minus sign separates numbers as well as a space does.
    return f"M{kept[0][0]} {kept[0][1]}l{text}z".replace(" -", "-")


def _same_direction(a: tuple[int, int], b: tuple[int, int]) -> bool:
    # Steps along one line draw as one: the same shape in fewer bytes.
    return a[0] * b[1] == a[1] * b[0] and a[0] * b[0] + a[1] * b[1] > 0


@dataclass(frozen=True)
class Shape:
    id: str  # the topology's id (ISO 3166 numeric for Natural Earth), "" for none
    name: str
    path: str


def topology_shapes(
    topology: dict, name: str, *, project: Callable[[float, float], Point], left_out=()
) -> list[Shape]:
    """The geometries of object `name` as SVG paths on the grid `project` maps onto."""
    shapes = []
    for geometry, polygons in topology_polygons(topology, name):
        if geometry.get("id") in left_out:
            continue
        rings = (
            _grid(part, project)
            for polygon in polygons
            for ring in polygon
            for part in antimeridian_split(ring)
        )
        path = "".join(ring_path(ring) for ring in rings)
        if path:
            shapes.append(
                Shape(
                    str(geometry.get("id", "")),
                    geometry.get("properties", {}).get("name", ""),
                    path,
                )
            )
    return shapes


def antimeridian_split(ring: Ring) -> list[Ring]:
    """A ring that crosses the 180th meridian (Fiji, Chukotka) as its eastern and western
    parts, each closed along the meridian; any other ring as it is."""
    if all(abs(a[0] - b[0]) <= 180 for a, b in itertools.pairwise(ring)):
        return [ring]
    return [
        [point for point in ring if point[0] >= 0],
        [point for point in ring if point[0] < 0],
    ]


def _grid(ring: Ring, project) -> list[tuple[int, int]]:
    return [tuple(round(value) for value in project(*point)) for point in ring]


@dataclass(frozen=True)
class WorldMap:
    width: int
    height: int
    countries: tuple[tuple[str, Shape], ...]  # (ISO alpha-2 or "" for none, shape)


@functools.cache
def world_map() -> WorldMap:
    """The countries, projected to fill a WIDTH-wide box, each with its ISO alpha-2 code."""
    topology = json.loads(GEOMETRY.read_text())
    raw = [
        natural_earth(*point)
        for geometry, polygons in topology_polygons(topology, "countries")
        if geometry.get("id") not in LEFT_OUT
        for polygon in polygons
        for ring in polygon
        for point in ring
    ]
    left, top = min(x for x, _ in raw), min(y for _, y in raw)
    scale = WIDTH / (max(x for x, _ in raw) - left)
    height = math.ceil((max(y for _, y in raw) - top) * scale)

    def project(longitude: float, latitude: float) -> Point:
        x, y = natural_earth(longitude, latitude)
        return (x - left) * scale, (y - top) * scale

    shapes = topology_shapes(topology, "countries", project=project, left_out=LEFT_OUT)
    return WorldMap(WIDTH, height, tuple((_alpha_2(shape.id), shape) for shape in shapes))


def _alpha_2(numeric: str) -> str:
    # Kosovo, Northern Cyprus and Somaliland have no ISO numeric code: they stay unnamed.
    country = pycountry.countries.get(numeric=numeric) if numeric else None
    return country.alpha_2 if country else ""


def map_countries(rows: Iterable[tuple[object, str]]) -> dict:
    """What the map template draws: each country's path, and for those with visitors their
    shade (1..CLASSES, by share of the top country's visitors), title and filter link.
    `rows` are the Countries panel's (row, link) pairs."""
    visited = {row.value.upper(): (row, link) for row, link in rows if row.value and link}
    top = max((row.visitors for row, _ in visited.values()), default=0)
    geometry = world_map()
    countries = []
    for code, shape in geometry.countries:
        row, link = visited.get(code, (None, ""))
        if row is None:
            # Named in the page's language, as the visited ones are by their panel's rows (a
            # shape without an ISO code keeps its own name).
            countries.append({"path": shape.path, "name": country_name(code, english=shape.name)})
            continue
        countries.append(
            {
                "path": shape.path,
                "name": row.label,
                "visitors": row.visitors,
                "href": link,
                "shade": max(1, math.ceil(CLASSES * row.visitors / top)),
            }
        )
    return {
        "width": geometry.width,
        "height": geometry.height,
        "countries": countries,
        "top": top,
        "shades": range(1, CLASSES + 1),
    }
