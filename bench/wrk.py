"""Reading wrk's text report, and writing the Lua scripts that drive it.

Pure functions only (no processes, no Django), so tests can call them directly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# wrk prints times with these suffixes (src/units.c); values here are milliseconds.
_TIME_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_TIME = re.compile(r"^(?P<value>\d+(?:\.\d+)?)(?P<unit>us|ms|s|m|h)$")
_PERCENTILE = re.compile(r"^\s*(?P<pct>\d+(?:\.\d+)?)%\s+(?P<time>\S+)\s*$", re.M)
_LATENCY_STATS = re.compile(
    r"^\s*Latency\s+(?P<avg>\S+)\s+(?P<stdev>\S+)\s+(?P<max>\S+)", re.M
)
_TOTALS = re.compile(
    r"^\s*(?P<requests>\d+) requests in (?P<duration>\S+), (?P<read>\S+) read", re.M
)
_RATE = re.compile(r"^Requests/sec:\s+(?P<rate>\d+(?:\.\d+)?)", re.M)
_SOCKET_ERRORS = re.compile(
    r"Socket errors: connect (?P<connect>\d+), read (?P<read>\d+), "
    r"write (?P<write>\d+), timeout (?P<timeout>\d+)"
)
_NON_2XX = re.compile(r"Non-2xx or 3xx responses: (?P<count>\d+)")


class WrkOutputError(ValueError):
    """The text is not a complete wrk report (wrong tool, crash, no requests)."""


def parse_time_ms(text: str) -> float:
    """A wrk duration such as "250.00us", "12.92ms" or "1.02s", in milliseconds."""
    match = _TIME.match(text.strip())
    if match is None:
        raise WrkOutputError(f"not a wrk time: {text!r}")
    return float(match["value"]) * _TIME_UNITS_MS[match["unit"]]


@dataclass(frozen=True)
class WrkResult:
    requests: int
    duration_s: float
    requests_per_s: float
    latency_avg_ms: float
    latency_max_ms: float
    # Percentile (50, 75, 90, 99) to milliseconds; empty without --latency.
    percentiles_ms: dict[float, float] = field(default_factory=dict)
    socket_errors: dict[str, int] = field(default_factory=dict)
    non_2xx_3xx: int = 0

    @property
    def p50_ms(self) -> float | None:
        return self.percentiles_ms.get(50.0)

    @property
    def p99_ms(self) -> float | None:
        return self.percentiles_ms.get(99.0)

    @property
    def errors(self) -> int:
        """Failed requests: socket errors, timeouts and 4xx/5xx answers."""
        return sum(self.socket_errors.values()) + self.non_2xx_3xx


def parse_wrk_output(text: str) -> WrkResult:
    """The figures of one wrk run from its standard output (with or without
    --latency)."""
    totals = _TOTALS.search(text)
    rate = _RATE.search(text)
    stats = _LATENCY_STATS.search(text.split("Latency Distribution")[0])
    if totals is None or rate is None or stats is None:
        raise WrkOutputError("no wrk summary found in:\n" + text[-2000:])
    percentiles: dict[float, float] = {}
    if "Latency Distribution" in text:
        distribution = text.split("Latency Distribution", 1)[1]
        distribution = distribution.split("requests in", 1)[0]
        for match in _PERCENTILE.finditer(distribution):
            percentiles[float(match["pct"])] = parse_time_ms(match["time"])
    socket = _SOCKET_ERRORS.search(text)
    non_2xx = _NON_2XX.search(text)
    return WrkResult(
        requests=int(totals["requests"]),
        duration_s=parse_time_ms(totals["duration"]) / 1000,
        requests_per_s=float(rate["rate"]),
        latency_avg_ms=parse_time_ms(stats["avg"]),
        latency_max_ms=parse_time_ms(stats["max"]),
        percentiles_ms=percentiles,
        socket_errors=(
            {key: int(value) for key, value in socket.groupdict().items()}
            if socket
            else {}
        ),
        non_2xx_3xx=int(non_2xx["count"]) if non_2xx else 0,
    )


# --- Lua scripts -------------------------------------------------------------

# Replaced in a request body by "<nonce>-<thread>-<count>", unique per request.
SEQUENCE_MARKER = "BENCHSEQ"


@dataclass(frozen=True)
class RequestSpec:
    path: str
    method: str = "GET"
    headers: tuple[tuple[str, str], ...] = ()
    # Already form-encoded; SEQUENCE_MARKER is replaced on every request.
    body: str | None = None


def lua_string(value: str) -> str:
    """A Lua string literal for `value` (ASCII expected: paths, encoded forms)."""
    escaped = (
        value.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )
    return f'"{escaped}"'


def lua_script(
    specs: list[RequestSpec], *, nonce: str, stop_after_per_thread: int = 0
) -> str:
    """A wrk script that cycles through `specs`, each thread from its own offset.

    With `stop_after_per_thread`, each thread stops after that many responses (wrk
    then ends before its --duration, which stays the upper bound).
    """
    if not specs:
        raise ValueError("at least one request is needed")
    if not nonce.isalnum():
        raise ValueError("the nonce goes into form bodies: letters and digits only")
    rows = []
    for spec in specs:
        headers = ", ".join(
            f"[{lua_string(name)}] = {lua_string(value)}"
            for name, value in spec.headers
        )
        body = "nil" if spec.body is None else lua_string(spec.body)
        rows.append(
            f"  {{method = {lua_string(spec.method)}, path = {lua_string(spec.path)}, "
            f"headers = {{{headers}}}, body = {body}}},"
        )
    lines = [
        "-- Generated by bench/run_bench.py; see bench/wrk.py.",
        "local specs = {",
        *rows,
        "}",
        f"local nonce = {lua_string(nonce)}",
        f"local marker = {lua_string(SEQUENCE_MARKER)}",
        f"local stop_after = {int(stop_after_per_thread)}",
        "local threads_made = 0",
        "local count = 0",
        "local answered = 0",
        "",
        "function setup(thread)",
        "  threads_made = threads_made + 1",
        "  thread:set('thread_number', threads_made)",
        "end",
        "",
        "function request()",
        "  local number = thread_number or 0",
        "  count = count + 1",
        "  local spec = specs[(count + number * 7) % #specs + 1]",
        "  local body = spec.body",
        "  if body then",
        "    local seq = nonce .. '-' .. number .. '-' .. count",
        "    body = (string.gsub(body, marker, seq))",
        "  end",
        "  return wrk.format(spec.method, spec.path, spec.headers, body)",
        "end",
    ]
    if stop_after_per_thread:
        lines += [
            "",
            "function response(status, headers, body)",
            "  answered = answered + 1",
            "  if answered >= stop_after then",
            "    wrk.thread:stop()",
            "  end",
            "end",
        ]
    return "\n".join(lines) + "\n"
