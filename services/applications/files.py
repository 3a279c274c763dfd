"""Uploads: the type told by the content (never by the name or the client's header), a size
limit, a virus-scan hook, and links that expire and are signed, so a material is seen only by
whom the service hands a link to (its owner, the reviewing staff)."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
import struct
import time
from typing import Protocol

import filetype

from config.runtime import runtime
from services.applications.errors import FileRejected
from services.applications.settings import application_settings

ALLOWED = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


class Scanner(Protocol):
    async def infected(self, content: bytes) -> str | None:
        """The name of what was found, or None when the content is clean."""
        ...


class NoScanner:
    async def infected(self, content: bytes) -> str | None:
        return None


class ClamdScanner:
    """clamd's INSTREAM command over TCP: the upload in length-prefixed chunks, a zero-length
    chunk to end, one answer line (`stream: OK`, or `stream: <name> FOUND`). A clamd that
    cannot be reached or answers an error refuses the upload: nothing unscanned is kept."""

    CHUNK = 64 * 1024

    async def infected(self, content: bytes) -> str | None:
        settings = application_settings()
        try:
            answer = await asyncio.wait_for(
                self._scan(settings.clamd_host, settings.clamd_port, content),
                settings.clamd_timeout_seconds,
            )
        except (
            OSError,
            TimeoutError,
            asyncio.IncompleteReadError,
            asyncio.LimitOverrunError,
        ) as error:
            raise FileRejected(reason="the virus scan is unavailable, please retry") from error
        verdict = answer.removeprefix("stream:").strip()
        if verdict == "OK":
            return None
        if verdict.endswith(" FOUND"):
            return verdict.removesuffix(" FOUND")
        raise FileRejected(reason=f"the virus scan failed: {verdict[:80]}")

    async def _scan(self, host: str, port: int, content: bytes) -> str:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            writer.write(b"zINSTREAM\0")
            for start in range(0, len(content), self.CHUNK):
                chunk = content[start : start + self.CHUNK]
                writer.write(struct.pack(">I", len(chunk)) + chunk)
                await writer.drain()
            writer.write(struct.pack(">I", 0))
            await writer.drain()
            answer = await reader.readuntil(b"\0")
        finally:
            writer.close()
        return answer.rstrip(b"\0").decode(errors="replace")


SCANNERS: dict[str, Scanner] = {"none": NoScanner(), "clamav": ClamdScanner()}


async def check_upload(content: bytes) -> str:
    """The content type of an acceptable upload, or FILE_REJECTED saying why not."""
    settings = application_settings()
    if not content:
        raise FileRejected(reason="empty")
    if len(content) > settings.max_upload_bytes:
        raise FileRejected(reason=f"larger than {settings.max_upload_bytes // 1024} KiB")
    kind = filetype.guess(content)
    if kind is None or kind.mime not in ALLOWED:
        raise FileRejected(reason="not a PDF, JPEG or PNG")
    found = await SCANNERS[settings.scanner].infected(content)
    if found:
        raise FileRejected(reason=f"virus scan: {found}")
    return str(kind.mime)


def new_storage_key(content_type: str) -> str:
    token = secrets.token_hex(16)
    return f"{token[:2]}/{token}.{ALLOWED[content_type]}"


def _signature(file_id: int, expires: int) -> str:
    key = runtime().settings.secret_key.get_secret_value().encode()
    message = f"govhub/files|{file_id}|{expires}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def signed_link(file_id: int, now: float | None = None) -> str:
    expires = int((now or time.time()) + application_settings().link_seconds)
    return f"/files/{file_id}?expires={expires}&signature={_signature(file_id, expires)}"


def link_valid(file_id: int, expires: int, signature: str, now: float | None = None) -> bool:
    if (now or time.time()) > expires:
        return False
    return hmac.compare_digest(_signature(file_id, expires), signature)
