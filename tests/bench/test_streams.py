"""The streams benchmark's parts, at tiny sizes: the clients count every event of a chunked
event stream, and the bare route's broadcast wakes every stream once per publish."""

from __future__ import annotations

import asyncio

import pytest

from bench.streams import Tally, open_streams
from bench.streams_app import Broadcast


async def chunked_events(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Two events in HTTP/1.1 chunks, as uvicorn sends a StreamingResponse, with a comment."""
    await reader.readuntil(b"\r\n\r\n")
    writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n")
    writer.write(b"transfer-encoding: chunked\r\n\r\n")
    for part in (b"retry: 3000\n\nevent: t\ndata: 1\n\n", b": keep-alive\n\n", b"data: 2\n\n"):
        writer.write(b"%x\r\n%s\r\n" % (len(part), part))
        await writer.drain()
        await asyncio.sleep(0.01)
    await asyncio.sleep(5)
    writer.close()


class TestClients:
    @pytest.mark.asyncio
    async def test_every_event_of_every_stream_is_counted(self) -> None:
        server = await asyncio.start_server(chunked_events, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        tally = Tally()
        try:
            streams = await open_streams(port, 3, lambda i: ("/events", {}), tally)
            tally.expect(6)
            await asyncio.wait_for(tally.reached.wait(), 5)
            assert [len(s.arrivals) for s in streams] == [2, 2, 2]
            for stream in streams:
                stream.close()
        finally:
            server.close()


class TestBroadcast:
    @pytest.mark.asyncio
    async def test_one_publish_wakes_every_waiter_once(self) -> None:
        broadcast = Broadcast()
        waiters = [asyncio.create_task(broadcast.wait(0)) for _ in range(5)]
        await asyncio.sleep(0)
        assert broadcast.publish() == 1
        assert await asyncio.gather(*waiters) == [1] * 5
        assert await asyncio.wait_for(broadcast.wait(0), 1) == 1  # already past: no wait
