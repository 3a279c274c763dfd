"""The ClamAV scanner speaks clamd's INSTREAM protocol to a clamd (here a local one that keeps to
the protocol and knows the EICAR test signature): a clean upload is kept, an infected one and
one that could not be scanned are refused, and nothing is stored for them."""

from __future__ import annotations

import asyncio
import struct
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from gateway.errors import GovError
from services.applications.models import StoredFile
from services.applications.service import applications
from services.applications.settings import application_settings
from tests.applications.conftest import PNG, resident

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


async def clamd_session(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    command = await reader.readuntil(b"\0")
    assert command == b"zINSTREAM\0"
    received = b""
    while size := struct.unpack(">I", await reader.readexactly(4))[0]:
        received += await reader.readexactly(size)
    found = b"Eicar-Test-Signature FOUND" if EICAR in received else b"OK"
    writer.write(b"stream: " + found + b"\0")
    await writer.drain()
    writer.close()


@pytest_asyncio.fixture
async def clamd(forms: None, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[int]:
    server = await asyncio.start_server(clamd_session, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    monkeypatch.setattr(application_settings(), "scanner", "clamav")
    monkeypatch.setattr(application_settings(), "clamd_port", port)
    async with server:
        yield port


class TestClamav:
    @pytest.mark.asyncio
    async def test_a_clean_upload_is_kept_in_chunks(self, clamd: int) -> None:
        citizen = await resident()
        large = PNG + bytes(200 * 1024)  # more than one INSTREAM chunk
        stored = await applications.upload(citizen, large, "scan.png")
        assert stored.size == len(large)

    @pytest.mark.asyncio
    async def test_an_infected_upload_is_refused_and_not_stored(self, clamd: int) -> None:
        citizen = await resident()
        with pytest.raises(GovError) as refused:
            await applications.upload(citizen, PNG + EICAR, "scan.png")
        assert refused.value.code == "FILE_REJECTED"
        assert "Eicar-Test-Signature" in refused.value.message("en")
        assert not await StoredFile.filter(citizen_id=citizen).exists()

    @pytest.mark.asyncio
    async def test_without_clamd_nothing_unscanned_is_kept(
        self, forms: None, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        server = await asyncio.start_server(clamd_session, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        server.close()
        await server.wait_closed()
        monkeypatch.setattr(application_settings(), "scanner", "clamav")
        monkeypatch.setattr(application_settings(), "clamd_port", port)
        citizen = await resident()
        with pytest.raises(GovError) as refused:
            await applications.upload(citizen, PNG, "scan.png")
        assert "unavailable" in refused.value.message("en")
        assert not await StoredFile.filter(citizen_id=citizen).exists()
