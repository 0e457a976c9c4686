"""Laying aggregates out again as visits: sharing a total among rows in proportion, and a
day's pages made to add up to its pageviews."""


def apportion(sizes: list[int], total: int) -> list[int]:
    """`sizes` as they are when they add up to `total` or less; otherwise scaled down to add up
    to exactly `total` (largest remainders), every non-zero size keeping at least one while
    there are enough to go round, so small values are not crowded out by big ones."""
    if sum(sizes) <= total:
        return list(sizes)
    nonzero = sum(1 for size in sizes if size > 0)
    if nonzero <= total:
        base = [1 if size > 0 else 0 for size in sizes]
        weights = [max(size - 1, 0) for size in sizes]
        rest = total - nonzero
    else:
        base, weights, rest = [0] * len(sizes), list(sizes), total
    whole = sum(weights)
    if whole == 0 or rest == 0:
        return base
    shares = [weight * rest // whole for weight in weights]
    order = sorted(range(len(sizes)), key=lambda i: (-(weights[i] * rest % whole), -sizes[i], i))
    for index in order[: rest - sum(shares)]:
        shares[index] += 1
    return [fixed + share for fixed, share in zip(base, shares, strict=True)]


def total_of(rows: list[dict], column: str) -> int:
    return sum(row.get(column, 0) for row in rows)


def pages_adding_up(pages: list[dict], views: int, count: int, *, unlisted: str) -> list[dict]:
    """The day's pages with exactly its pageviews: scaled down together when they list more,
    and the views they don't list on the page `unlisted` (one at least for each visitor no
    listed page reached)."""
    listed = total_of(pages, "pageviews")
    if listed > views:
        shares = apportion([row["pageviews"] for row in pages], views)
        pages = [
            {**row, "pageviews": share, "visitors": min(row["visitors"], share)}
            for row, share in zip(pages, shares, strict=True)
            if share
        ]
    elif listed < views:
        rest = views - listed
        viewers = max(count - total_of(pages, "visitors"), 1)  # those no listed page reached
        pages = [*pages, {"page": unlisted, "pageviews": rest, "visitors": min(viewers, rest)}]
    return pages
