"""What the workspace says while a first run indexes the sample knowledge base: how far along it
is and how long is left, estimated from the rate of the chunks embedded so far."""

from __future__ import annotations


def format_eta(seconds: float | None) -> str:
    if seconds is None:
        return "ETA …"
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"ETA {seconds} s"
    minutes, rest = divmod(seconds, 60)
    return f"ETA {minutes} min {rest:02d} s"


class IndexingClock:
    """Turns (done, total) reports into "indexing …: n/N chunks, ETA …"."""

    def __init__(self) -> None:
        self._first: tuple[float, int] | None = None

    def eta(self, done: int, total: int, at: float) -> float | None:
        """Seconds left, from the rate since the first report (`at`: when this one was made)."""
        if self._first is None or done < self._first[1]:
            self._first = (at, done)  # the first batch includes loading the model: start after
            return None
        started, at_start = self._first
        if done == at_start or at <= started:
            return None
        rate = (done - at_start) / (at - started)
        return (total - done) / rate

    def describe(self, done: int, total: int, at: float) -> str:
        eta = self.eta(done, total, at)
        return f"indexing the sample knowledge base: {done}/{total} chunks, {format_eta(eta)}"
