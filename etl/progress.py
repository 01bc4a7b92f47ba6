"""Progress of a long build, on stderr: a bar with documents/s and an ETA on a terminal, and
one line per tenth of the corpus when stderr goes to a log file."""

from __future__ import annotations

import sys
import time

#: a build of fewer documents is not long: no progress lines in a log (a terminal's bar stays)
LOG_MIN_DOCUMENTS = 1000


class Progress:
    """Count documents done; show it as a ``tqdm`` bar on a terminal, or log each 10 %.

    ``enabled`` tells whether anything is written (a short build in a log stays quiet).
    """

    def __init__(self, total: int, *, enabled: bool = True, stream=None) -> None:
        self.total = total
        self.done = 0
        self.stream = stream or sys.stderr
        self.enabled = enabled and total > 0
        self._bar = None
        self._next_tenth = 1
        self._t0 = time.perf_counter()
        terminal = _is_terminal(self.stream)
        if not terminal and total < LOG_MIN_DOCUMENTS:
            self.enabled = False
        if self.enabled and terminal:
            import tqdm

            tqdm.tqdm.monitor_interval = 0  # no monitor thread: worker processes fork later
            self._bar = tqdm.tqdm(
                total=total, unit="doc", desc="extracting", file=self.stream, smoothing=0.1
            )

    def step(self, n: int = 1) -> None:
        self.done += n
        if not self.enabled:
            return
        if self._bar is not None:
            self._bar.update(n)
            return
        while self._next_tenth <= 10 and self.done * 10 >= self._next_tenth * self.total:
            elapsed = time.perf_counter() - self._t0
            rate = self.done / elapsed if elapsed > 0 else 0.0
            left = (self.total - self.done) / rate if rate > 0 else 0.0
            print(
                f"  {self._next_tenth * 10:3d} % {self.done}/{self.total} documents, "
                f"{rate:,.0f} docs/s, {left:,.0f} s left",
                file=self.stream,
                flush=True,
            )
            self._next_tenth += 1

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
