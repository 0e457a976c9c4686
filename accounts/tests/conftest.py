from datetime import UTC, datetime

import pytest
import time_machine


@pytest.fixture
def clock():
    """A still clock for two-factor tests: codes change only when a test moves it."""
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, 5, tzinfo=UTC), tick=False) as traveller:
        yield traveller
