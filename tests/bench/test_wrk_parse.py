"""bench.wrk and bench.report: wrk's text report read right, targets judged right.

The samples are wrk 4.1 output captured on the bench machine (wrk pads times in
seconds with a space, written \\x20 here).
"""

import pytest

from bench.report import (
    Measurement,
    ceiling,
    markdown_table,
    memory_row,
    place_results,
    rows,
    verdict,
)
from bench.wrk import (
    RequestSpec,
    WrkOutputError,
    lua_script,
    parse_time_ms,
    parse_wrk_output,
)

TRIVIAL = """\
Running 4s test @ http://127.0.0.1:54027/bench/trivial/
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   136.43ms   29.80ms 348.50ms   89.37%
    Req/Sec   116.34     33.26   161.00     58.23%
  Latency Distribution
     50%  129.91ms
     75%  138.21ms
     90%  154.37ms
     99%  247.40ms
  929 requests in 4.03s, 423.67KB read
Requests/sec:    230.73
Transfer/sec:    105.22KB
"""

SLOW_PAGE = """\
Running 4s test @ http://127.0.0.1:37371/2026/11/24/the-long-read/
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.26s     1.07s    3.78s    60.00%
    Req/Sec     4.91      3.24    10.00     72.73%
  Latency Distribution
     50%    2.33s\x20
     75%    3.32s\x20
     90%    3.78s\x20
     99%    3.78s\x20
  15 requests in 4.03s, 4.05MB read
Requests/sec:      3.72
Transfer/sec:      1.00MB
"""

FAILING = """\
Running 2s test @ http://127.0.0.1:43027/
  1 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     8.48ms    5.81ms  20.15ms   63.16%
    Req/Sec   191.00      0.00   191.00    100.00%
  Latency Distribution
     50%    8.10ms
     75%   11.94ms
     90%   16.12ms
     99%   20.15ms
  19 requests in 2.01s, 1.21KB read
  Socket errors: connect 0, read 5, write 0, timeout 0
  Non-2xx or 3xx responses: 7
Requests/sec:      9.47
Transfer/sec:     618.30B
"""

NOTHING_ANSWERED = """\
Running 3s test @ http://127.0.0.1:48123/2026/11/24/the-long-read/
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     0.00us    0.00us   0.00us    -nan%
    Req/Sec     0.00      0.00     0.00      -nan%
  Latency Distribution
     50%    0.00us
     75%    0.00us
     90%    0.00us
     99%    0.00us
  0 requests in 3.03s, 0.00B read
Requests/sec:      0.00
Transfer/sec:       0.00B
"""


@pytest.mark.parametrize(
    ("text", "ms"),
    [
        ("250.00us", 0.25),
        ("12.92ms", 12.92),
        ("1.02s", 1020.0),
        ("2.00m", 120_000.0),
        ("3.78s ", 3780.0),
    ],
)
def test_wrk_times_are_read_in_milliseconds(text, ms):
    assert parse_time_ms(text) == pytest.approx(ms)


def test_a_clean_run_gives_rate_percentiles_and_no_errors():
    result = parse_wrk_output(TRIVIAL)

    assert result.requests == 929
    assert result.duration_s == pytest.approx(4.03)
    assert result.requests_per_s == pytest.approx(230.73)
    assert result.latency_avg_ms == pytest.approx(136.43)
    assert result.latency_max_ms == pytest.approx(348.50)
    assert result.p50_ms == pytest.approx(129.91)
    assert result.p99_ms == pytest.approx(247.40)
    assert result.percentiles_ms[90.0] == pytest.approx(154.37)
    assert result.errors == 0


def test_latencies_in_seconds_become_milliseconds():
    result = parse_wrk_output(SLOW_PAGE)

    assert result.p50_ms == pytest.approx(2330.0)
    assert result.p99_ms == pytest.approx(3780.0)
    assert result.requests_per_s == pytest.approx(3.72)


def test_socket_errors_and_error_statuses_are_counted():
    result = parse_wrk_output(FAILING)

    assert result.socket_errors == {"connect": 0, "read": 5, "write": 0, "timeout": 0}
    assert result.non_2xx_3xx == 7
    assert result.errors == 12


def test_a_run_that_answered_nothing_parses_to_zero():
    result = parse_wrk_output(NOTHING_ANSWERED)

    assert result.requests == 0
    assert result.requests_per_s == 0
    assert result.p99_ms == 0


def test_without_latency_flag_there_are_no_percentiles():
    text = (
        TRIVIAL.split("  Latency Distribution")[0] + TRIVIAL.split("99%  247.40ms\n")[1]
    )

    result = parse_wrk_output(text)

    assert result.percentiles_ms == {}
    assert result.p99_ms is None
    assert result.requests == 929


def test_text_that_is_not_a_wrk_report_is_refused():
    with pytest.raises(WrkOutputError):
        parse_wrk_output("unable to connect to 127.0.0.1:1 Connection refused\n")


def test_lua_script_cycles_requests_and_numbers_each_body():
    spec = RequestSpec(
        path="/comments/post/3/",
        method="POST",
        headers=(("Content-Type", "application/x-www-form-urlencoded"),),
        body='comment=Hello+BENCHSEQ&name="x"',
    )

    script = lua_script([RequestSpec(path="/"), spec], nonce="ab12")

    assert 'path = "/comments/post/3/"' in script
    assert 'body = "comment=Hello+BENCHSEQ&name=\\"x\\""' in script
    assert 'local nonce = "ab12"' in script
    assert "string.gsub(body, marker, seq)" in script
    assert "function response" not in script


def test_lua_script_can_stop_each_thread_after_a_count():
    script = lua_script([RequestSpec(path="/")], nonce="n1", stop_after_per_thread=50)

    assert "local stop_after = 50" in script
    assert "wrk.thread:stop()" in script


def test_lua_nonce_must_be_plain():
    with pytest.raises(ValueError):
        lua_script([RequestSpec(path="/")], nonce="a%b")


def test_targets_are_judged_on_share_of_trivial_and_p99():
    cached = parse_wrk_output(TRIVIAL)

    assert verdict("post_cached", share=0.71, result=cached) == "pass"
    assert verdict("post_cached", share=0.69, result=cached) == "miss"
    assert verdict("post_200_cold", share=0.10, result=cached) == "pass"
    # p99 247 ms is over the 150 ms bound for comment POSTs.
    assert verdict("comment_post", share=None, result=cached) == "miss"
    assert verdict("home", share=0.5, result=cached) == ""


def test_a_row_with_failed_requests_never_passes():
    failing = parse_wrk_output(FAILING)

    assert verdict("post_cached", share=0.9, result=failing) == "miss (errors)"


def test_rows_show_each_share_of_the_trivial_view():
    trivial = parse_wrk_output(TRIVIAL)
    slow = parse_wrk_output(SLOW_PAGE)
    measurements = [
        Measurement("trivial", "Trivial", trivial, 32, cpu_ms_per_request=4.0),
        Measurement("post_200_cold", "Cold post", slow, 32, cpu_ms_per_request=400.0),
    ]

    table = rows(measurements)

    assert table[0].share == "–"
    assert table[1].share == "1.6%"
    assert table[1].cpu == "400 ms"
    assert table[1].cpu_share == "1.0%"
    assert table[1].verdict == "miss"
    assert table[1].p99 == "3780 ms"


def test_the_best_trivial_run_is_the_ceiling():
    trivial = parse_wrk_output(TRIVIAL)
    slow = parse_wrk_output(SLOW_PAGE)
    measurements = [
        Measurement("trivial", "Trivial", slow, 32, cpu_ms_per_request=8.0),
        Measurement("post_cached", "Cached", slow, 32, cpu_ms_per_request=8.0),
        Measurement("trivial_end", "Trivial again", trivial, 32, cpu_ms_per_request=4),
    ]

    table = rows(measurements)

    assert ceiling(measurements) == (pytest.approx(230.73), 4)
    assert table[1].share == "1.6%"
    assert table[1].cpu_share == "50.0%"
    assert table[2].share == "–"


def test_the_markdown_table_has_one_line_per_row_and_a_header():
    trivial = parse_wrk_output(TRIVIAL)
    table = rows([Measurement("trivial", "Trivial", trivial, 32)])
    table.append(memory_row(None, 0, wanted=10_000))

    lines = markdown_table(table).splitlines()

    assert len(lines) == 4
    assert all(line.count("|") == 11 for line in lines)


def test_memory_row_passes_under_the_bound_only_after_the_full_run():
    assert memory_row(80.0, 10_000, wanted=10_000).verdict == "pass"
    assert memory_row(160.0, 10_000, wanted=10_000).verdict == "miss"
    assert memory_row(80.0, 6_000, wanted=10_000).verdict == "incomplete"


def test_results_replace_only_the_marked_block():
    document = (
        "# Performance\n\n## Import benchmark\n\nImport figures.\n\n"
        "## Page benchmark\n\n<!-- bench:results:start -->\nold\n"
        "<!-- bench:results:end -->\n\nAfter.\n"
    )

    updated = place_results(document, "new table\n")

    assert "old" not in updated
    assert "<!-- bench:results:start -->\nnew table\n<!-- bench:results:end -->" in (
        updated
    )
    assert "Import figures." in updated
    assert updated.endswith("\n\nAfter.\n")


def test_results_without_markers_are_appended_as_a_section():
    updated = place_results("# Performance\n\nImport figures.\n", "table")

    assert updated.startswith("# Performance\n\nImport figures.\n\n## Page benchmark")
    assert updated.rstrip().endswith("<!-- bench:results:end -->")
