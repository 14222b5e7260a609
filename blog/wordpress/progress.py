"""Import progress on the command line: a bar on a terminal, plain counts otherwise."""

from __future__ import annotations

import time


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def _write(stream, text: str) -> None:
    """Write `text` as is, to a file or to a command's OutputWrapper."""
    if hasattr(stream, "style_func"):
        stream.write(text, ending="")
    else:
        stream.write(text)
    stream.flush()


class NullProgress:
    """Shows nothing (the admin page, tests)."""

    def update(self, bytes_read: int, total_bytes: int | None, records: int) -> None:
        pass

    def finish(self) -> None:
        pass


class TerminalProgress(NullProgress):
    """One line redrawn in place, at most ten times a second."""

    width = 30

    def __init__(self, stream, *, interval: float = 0.1):
        self.stream = stream
        self.interval = interval
        self._last_drawn = 0.0
        self._latest: tuple[int, int | None, int] | None = None

    def update(self, bytes_read: int, total_bytes: int | None, records: int) -> None:
        self._latest = (bytes_read, total_bytes, records)
        now = time.monotonic()
        if now - self._last_drawn >= self.interval:
            self._last_drawn = now
            self._draw()

    def _draw(self) -> None:
        bytes_read, total_bytes, records = self._latest
        if total_bytes:
            share = min(1.0, bytes_read / total_bytes)
            filled = int(share * self.width)
            bar = "#" * filled + "-" * (self.width - filled)
            line = f"[{bar}] {share:4.0%}  {records} records"
        else:
            line = f"{_megabytes(bytes_read)} read, {records} records"
        _write(self.stream, f"\r{line}")

    def finish(self) -> None:
        if self._latest is not None:
            self._draw()
            _write(self.stream, "\n")


class PlainProgress(NullProgress):
    """A line per tenth of the file (or per 10 MB when the size is unknown)."""

    def __init__(self, stream):
        self.stream = stream
        self._next_step = 1

    def update(self, bytes_read: int, total_bytes: int | None, records: int) -> None:
        if total_bytes:
            step = int(10 * bytes_read / total_bytes)
            if step < self._next_step:
                return
            self._next_step = step + 1
            _write(self.stream, f"{step * 10}% read, {records} records\n")
        else:
            step = bytes_read // 10_000_000
            if step < self._next_step:
                return
            self._next_step = step + 1
            _write(self.stream, f"{_megabytes(bytes_read)} read, {records} records\n")


def progress_for(stream) -> NullProgress:
    """A bar when `stream` is a terminal, plain lines when it is a file or pipe."""
    isatty = getattr(stream, "isatty", None)
    if isatty is not None and isatty():
        return TerminalProgress(stream)
    return PlainProgress(stream)
