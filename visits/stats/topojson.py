"""A small TopoJSON reader: quantized, delta-encoded arcs stitched into polygons' rings."""

from collections.abc import Iterator

Point = tuple[float, float]
Ring = list[Point]


def topology_arcs(topology: dict) -> list[list[Point]]:
    """Every arc of `topology` as absolute (longitude, latitude) points."""
    transform = topology.get("transform")
    if not transform:
        return [[(float(x), float(y)) for x, y, *_ in arc] for arc in topology["arcs"]]
    (scale_x, scale_y), (shift_x, shift_y) = transform["scale"], transform["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy, *_ in arc:  # each position is the delta from the one before
            x, y = x + dx, y + dy
            points.append((x * scale_x + shift_x, y * scale_y + shift_y))
        arcs.append(points)
    return arcs


def _ring(indexes: list[int], arcs: list[list[Point]]) -> Ring:
    ring: Ring = []
    for index in indexes:
        # A negative index ~i is arc i walked backwards.
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(points[1:] if ring else points)  # arcs share their joining point
    return ring


def topology_polygons(topology: dict, name: str) -> Iterator[tuple[dict, list[list[Ring]]]]:
    """Each geometry of the object `name`, with its polygons (each a list of rings)."""
    arcs = topology_arcs(topology)
    for geometry in topology["objects"][name]["geometries"]:
        if geometry.get("type") == "Polygon":
            polygons = [geometry["arcs"]]
        elif geometry.get("type") == "MultiPolygon":
            polygons = geometry["arcs"]
        else:
            continue  # points, lines and empty geometries draw no area
        yield geometry, [[_ring(ring, arcs) for ring in polygon] for polygon in polygons]
