"""Comparing conversion rates: Wilson score intervals and the two-proportion z-test.

Plain `math` and `statistics.NormalDist`; the formulas are the textbook ones (Wilson 1927;
the pooled two-proportion z-test as in any introductory statistics course).
"""

import math
from dataclasses import dataclass
from statistics import NormalDist

CONFIDENCE = 0.95
_Z = NormalDist().inv_cdf(1 - (1 - CONFIDENCE) / 2)  # 1.959963984540054


def wilson_interval(successes: int, trials: int, *, z: float = _Z) -> tuple[float, float]:
    """The Wilson score interval of a proportion (0, 0 for no trials)."""
    if trials <= 0:
        return 0.0, 0.0
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class ZTest:
    z: float
    p_value: float


def two_proportion_z_test(
    successes_a: int, trials_a: int, successes_b: int, trials_b: int
) -> ZTest | None:
    """The pooled two-proportion z-test of B against A, two-sided; None when it cannot be
    computed (no trials on a side, or every trial alike on both)."""
    if trials_a <= 0 or trials_b <= 0:
        return None
    pooled = (successes_a + successes_b) / (trials_a + trials_b)
    error = math.sqrt(pooled * (1 - pooled) * (1 / trials_a + 1 / trials_b))
    if error == 0:
        return None
    z = (successes_b / trials_b - successes_a / trials_a) / error
    return ZTest(z=z, p_value=2 * NormalDist().cdf(-abs(z)))
