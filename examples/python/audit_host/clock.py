"""The component's ``clock`` import. The component has no other clock."""

import time
from datetime import datetime, timezone

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


class SystemClock:
    """The system's wall clock."""

    def now(self) -> tuple:
        ns = time.time_ns()
        return ns // 1_000_000_000, ns % 1_000_000_000


class SteppingClock:
    """A clock that starts at an RFC 3339 time and advances 1 ms per reading,
    as the Rust host's ``--clock``: reproducible ids and hashes."""

    def __init__(self, start: str) -> None:
        try:
            when = datetime.fromisoformat(start)
        except ValueError:
            raise ValueError(f"not an RFC 3339 time: {start!r}") from None
        if when.tzinfo is None:
            raise ValueError(f"not an RFC 3339 time (no offset): {start!r}")
        since = when - _EPOCH
        self._next_us = (since.days * 86_400 + since.seconds) * 1_000_000 + since.microseconds

    def now(self) -> tuple:
        now_us = self._next_us
        self._next_us += 1000
        return now_us // 1_000_000, (now_us % 1_000_000) * 1000
