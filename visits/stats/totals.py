"""A period's figures, as the headline and the chart read them, and how day rows add up to them."""

from dataclasses import dataclass
from datetime import datetime

from visits.stats.daily_rows import DailyRow

# DailyRow's fields in order, as read from rollups.
ROLLUP_FIGURES = (
    "day", "value", "label", "visitors", "pageviews", "events", "sessions", "bounces", "duration",
)  # fmt: skip


@dataclass(frozen=True)
class Totals:
    pageviews: int = 0
    visitors: int = 0
    events: int = 0
    sessions: int = 0  # visits
    bounces: int = 0
    duration: int = 0  # seconds, summed over the visits

    @property
    def pages_per_visitor(self) -> float:
        return round(self.pageviews / self.visitors, 2) if self.visitors else 0.0

    @property
    def views_per_visit(self) -> float:
        return round(self.pageviews / self.sessions, 2) if self.sessions else 0.0

    @property
    def bounce_rate(self) -> int:
        """Percent of visits that saw one page and did nothing else."""
        return round(100 * self.bounces / self.sessions) if self.sessions else 0

    @property
    def visit_duration(self) -> int:
        """Average seconds per visit."""
        return round(self.duration / self.sessions) if self.sessions else 0


@dataclass(frozen=True)
class Point:
    bucket: datetime
    pageviews: int
    visitors: int
    events: int = 0
    sessions: int = 0  # visits
    bounces: int = 0
    duration: int = 0  # seconds, summed over the visits


def sum_rows(rows: list[DailyRow]) -> Totals:
    return Totals(**{name: sum(getattr(row, name) for row in rows) for name in ROLLUP_FIGURES[3:]})
