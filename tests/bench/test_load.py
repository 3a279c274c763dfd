"""The load harness: wrk scripts and their results, the Python generator, the server's CPU clock."""

from __future__ import annotations

import asyncio
import shutil
import threading
from collections.abc import Iterator

import pytest

from bench.load import (
    Expect,
    LoadOptions,
    LoadResult,
    Target,
    _parse_wrk,
    _percentile,
    canned_server,
    choose_generator,
    format_table,
    raw_request,
    run_each_once,
    run_load,
    wrk_script,
)


@pytest.fixture
def failing_server() -> Iterator[int]:
    """A server on 127.0.0.1 that answers every request with a 429 envelope."""
    answer = (
        b"HTTP/1.1 429 Too Many Requests\r\ncontent-type: application/json\r\n"
        b'content-length: 24\r\n\r\n{"code":"RATE_LIMITED"}\n'
    )
    loop = asyncio.new_event_loop()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    (
                        int(line.split(b":", 1)[1])
                        for line in head.split(b"\r\n")
                        if line.lower().startswith(b"content-length:")
                    ),
                    0,
                )
                await reader.readexactly(length)
                writer.write(answer)
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    server = loop.run_until_complete(asyncio.start_server(handle, "127.0.0.1", 0))
    port = server.sockets[0].getsockname()[1]
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    yield port

    async def shut_down() -> None:
        server.close()
        handlers = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in handlers:
            task.cancel()
        await asyncio.gather(*handlers, return_exceptions=True)

    asyncio.run_coroutine_threadsafe(shut_down(), loop).result(timeout=5)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=5)
    loop.close()


def quick(generator: str = "python") -> LoadOptions:
    return LoadOptions(duration=1, warmup=0, concurrency=4, generator=generator, threads=1)


class TestWrkScript:
    def test_sends_the_method_body_and_headers(self) -> None:
        target = Target.post_json("t", "/x", {"say": 'he said "hi"'}, Authorization="Bearer t")
        script = wrk_script(target, distinct_clients=False)
        assert 'wrk.method = "POST"' in script
        assert 'wrk.body = "{\\"say\\":\\"he said \\\\\\"hi\\\\\\"\\"}"' in script
        assert 'wrk.headers["Authorization"] = "Bearer t"' in script
        assert "local distinct = false" in script

    def test_a_get_has_no_body(self) -> None:
        assert "wrk.body = nil" in wrk_script(Target("t", "/x"), distinct_clients=True)

    def test_checks_status_and_code_of_every_answer(self) -> None:
        script = wrk_script(Target("t", "/x"), distinct_clients=True)
        assert "function response(status, headers, body)" in script
        assert "status ~= 200" in script
        assert '\'"code":"OK"\'' in script


class TestWrkOutput:
    def test_reads_the_result_line(self) -> None:
        output = "Running 10s test\nBENCH_RESULT 50000 10000000 2500.0 9100.5 3 1\n"
        output += "BENCH_FIRST_ERROR 429 {...}\n"
        result = _parse_wrk("c", output)
        assert (result.requests, result.seconds, result.rps) == (50000, 10.0, 5000.0)
        assert (result.p50_ms, result.p99_ms) == (2.5, 9.1005)
        assert result.errors == 4  # 3 bad answers + 1 socket error
        assert result.first_error == "429 {...}"

    def test_no_result_is_an_error(self) -> None:
        with pytest.raises(RuntimeError, match="no result"):
            _parse_wrk("c", "unable to connect\n")


class TestReport:
    def test_percentile(self) -> None:
        ordered = [float(i) for i in range(1, 101)]
        assert _percentile(ordered, 50) == 51.0
        assert _percentile(ordered, 99) == 100.0
        assert _percentile([], 50) == 0.0

    def test_cpu_per_request(self) -> None:
        result = LoadResult("a", "wrk", 1000, 1.0, 1, 2, 0, server_cpu_seconds=0.25)
        assert result.cpu_us_per_request == 250.0
        assert LoadResult("a", "wrk", 1000, 1.0, 1, 2, 0).cpu_us_per_request is None

    def test_table_lists_every_figure(self) -> None:
        table = format_table([LoadResult("(a) bare", "wrk", 9000, 1.0, 1.5, 4.25, 0)])
        assert "(a) bare" in table
        assert "9000" in table
        assert "4.25" in table

    def test_unknown_generator(self) -> None:
        with pytest.raises(ValueError, match="unknown load generator"):
            choose_generator("ab")


class TestPythonGenerator:
    def test_counts_good_answers_and_reads_the_cpu_clock(self) -> None:
        clock = iter([10.0, 10.5])
        with canned_server(lifetime=30) as port:
            result = run_load(
                port, Target.post_json("canned", "/c", {}), quick(), lambda: next(clock)
            )
        assert result.generator == "python"
        assert result.requests > 0
        assert result.errors == 0
        assert result.server_cpu_seconds == 0.5

    def test_every_refused_answer_is_an_error(self, failing_server: int) -> None:
        result = run_load(failing_server, Target("refused", "/x"), quick())
        assert result.requests > 0
        assert result.errors == result.requests
        assert result.first_error.startswith("429")


class TestEachOnce:
    def test_sends_every_request_once_and_reads_the_cpu_clock(self) -> None:
        clock = iter([3.0, 3.25])
        with canned_server(lifetime=30) as port:
            requests = [raw_request(port, Target.post_json("c", "/c", {"n": n})) for n in range(50)]
            result = run_each_once(
                "each", port, requests, concurrency=4, processes=2, cpu_clock=lambda: next(clock)
            )
        assert (result.requests, result.errors) == (50, 0)
        assert result.server_cpu_seconds == 0.25

    def test_an_answer_other_than_the_expected_one_is_an_error(self, failing_server: int) -> None:
        requests = [raw_request(failing_server, Target("r", "/x"), "10.0.0.1")] * 10
        refused = run_each_once("each", failing_server, requests, concurrency=2)
        assert refused.errors == 10
        assert refused.first_error.startswith("429")
        expected = run_each_once(
            "each", failing_server, requests, concurrency=2, expect=Expect(429, marker=None)
        )
        assert expected.errors == 0


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")
class TestWrkGenerator:
    def test_counts_good_answers(self) -> None:
        with canned_server(lifetime=30) as port:
            result = run_load(port, Target.post_json("canned", "/c", {"x": 1}), quick("wrk"))
        assert result.generator == "wrk"
        assert result.requests > 0
        assert result.errors == 0

    def test_every_refused_answer_is_an_error(self, failing_server: int) -> None:
        result = run_load(failing_server, Target("refused", "/x"), quick("wrk"))
        assert result.requests > 0
        assert result.errors == result.requests
        assert result.first_error.startswith("429")
