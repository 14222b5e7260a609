"""Issue 9's targets, the results table, and its place in docs/performance.md.

Pure functions (no processes, no Django), so tests can call them directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bench.wrk import WrkResult

RESULTS_START = "<!-- bench:results:start -->"
RESULTS_END = "<!-- bench:results:end -->"
SECTION_HEADING = "## Page benchmark (`make bench`)"


@dataclass(frozen=True)
class Target:
    """A bound on one figure: a share of the trivial view's throughput (at least),
    a p99 latency in ms (below), or a resident size in MB (below)."""

    kind: str  # "share", "p99" or "rss"
    bound: float
    text: str

    def met_by(self, value: float) -> bool:
        if self.kind == "share":
            return value >= self.bound
        return value < self.bound


TARGETS = {
    "post_200_cold": Target("share", 0.10, "≥ 10% of trivial"),
    "post_1000_cold": Target("share", 0.10, "≥ 10% of trivial"),
    "post_after_approval": Target("share", 0.10, "≥ 10% of trivial"),
    "post_1000_after_approval": Target("share", 0.10, "≥ 10% of trivial"),
    "post_after_like": Target("share", 0.30, "≥ 30% of trivial"),
    "post_cached": Target("share", 0.70, "≥ 70% of trivial"),
    "comment_post": Target("p99", 150.0, "p99 < 150 ms"),
    "worker_rss": Target("rss", 150.0, "< 150 MB"),
}


@dataclass
class Measurement:
    key: str
    label: str
    result: WrkResult | None = None
    connections: int = 0
    # CPU the gunicorn workers spent during the run, per request wrk counted: the
    # server's own cost, much less disturbed than throughput by other processes.
    cpu_ms_per_request: float | None = None
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Row:
    label: str
    rate: str
    share: str
    cpu: str
    cpu_share: str
    p50: str
    p99: str
    failed: str
    target: str
    verdict: str


def _ms(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.0f} ms" if value >= 10 else f"{value:.1f} ms"


def verdict(key: str, *, share: float | None, result: WrkResult | None) -> str:
    """ "pass", "miss", "miss (errors)" or "" when the row has no target."""
    target = TARGETS.get(key)
    if target is None or result is None:
        return ""
    if result.errors:
        return "miss (errors)"
    if target.kind == "share":
        value = share
    elif target.kind == "p99":
        value = result.p99_ms
    else:
        return ""
    if value is None:
        return "miss"
    return "pass" if target.met_by(value) else "miss"


def _share(value: float | None, key: str) -> str:
    return "–" if key.startswith("trivial") or value is None else f"{value:.1%}"


def ceiling(measurements: list[Measurement]) -> tuple[float | None, float | None]:
    """The trivial view's best throughput and lowest CPU per request over its runs
    (another process can only make a run slower, so the best is the ceiling)."""
    trivial = [m for m in measurements if m.key.startswith("trivial") and m.result]
    rate = max((m.result.requests_per_s for m in trivial), default=None)
    cpu = min(
        (m.cpu_ms_per_request for m in trivial if m.cpu_ms_per_request), default=None
    )
    return rate, cpu


def rows(measurements: list[Measurement]) -> list[Row]:
    """One table row per wrk measurement, with its share of the trivial view (by
    throughput, and by worker CPU per request)."""
    trivial_rate, trivial_cpu = ceiling(measurements)
    table = []
    for m in measurements:
        r = m.result
        if r is None:
            table.append(Row(m.label, "not run", "", "", "", "", "", "", "", "miss"))
            continue
        share = cpu_share = None
        if trivial_rate:
            share = r.requests_per_s / trivial_rate
        if trivial_cpu and m.cpu_ms_per_request:
            cpu_share = trivial_cpu / m.cpu_ms_per_request
        target = TARGETS.get(m.key)
        table.append(
            Row(
                label=f"{m.label} ({m.connections} conn.)",
                rate=f"{r.requests_per_s:,.1f}",
                share=_share(share, m.key),
                cpu=_ms(m.cpu_ms_per_request),
                cpu_share=_share(cpu_share, m.key),
                p50=_ms(r.p50_ms),
                p99=_ms(r.p99_ms),
                failed=f"{r.errors} of {r.requests:,}",
                target=target.text if target else "",
                verdict=verdict(m.key, share=share, result=r),
            )
        )
    return table


def memory_row(peak_mb: float | None, requests: int, *, wanted: int) -> Row:
    """The memory target's row; a run cut short by the time budget is no pass."""
    target = TARGETS["worker_rss"]
    if peak_mb is None:
        return Row(
            "Worker peak RSS",
            "not measured",
            *[""] * 6,
            target.text,
            "miss",
        )
    label = f"Worker peak RSS (VmHWM) after {requests:,} mixed requests"
    result = "pass" if target.met_by(peak_mb) else "miss"
    if requests < wanted:
        label += f" (fewer than {wanted:,}: time ran out)"
        result = "incomplete" if result == "pass" else result
    return Row(
        label=label,
        rate=f"{peak_mb:.1f} MB",
        share="",
        cpu="",
        cpu_share="",
        p50="",
        p99="",
        failed="",
        target=target.text,
        verdict=result,
    )


def markdown_table(table: list[Row]) -> str:
    header = (
        "| Measurement | Requests/s | Share of trivial | Worker CPU per request "
        "| Share by CPU | p50 | p99 | Failed | Target | Result |\n"
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |\n"
    )
    lines = [
        f"| {r.label} | {r.rate} | {r.share} | {r.cpu} | {r.cpu_share} | {r.p50} "
        f"| {r.p99} | {r.failed} | {r.target} | {r.verdict} |"
        for r in table
    ]
    return header + "\n".join(lines) + "\n"


def place_results(document: str, block: str) -> str:
    """`document` with the results between the markers replaced by `block`; without
    markers, a new section with them at the end. The rest is left as it was."""
    wrapped = f"{RESULTS_START}\n{block.strip()}\n{RESULTS_END}"
    start = document.find(RESULTS_START)
    end = document.find(RESULTS_END)
    if start != -1 and end > start:
        return document[:start] + wrapped + document[end + len(RESULTS_END) :]
    return f"{document.rstrip()}\n\n{SECTION_HEADING}\n\n{wrapped}\n"
