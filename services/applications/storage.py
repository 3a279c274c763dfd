"""Where uploaded materials are kept, behind a small interface: a local folder by default, an
S3-compatible bucket (AWS S3, MinIO, Ceph RGW, OSS or COS in S3 mode) in production, when app
processes on several hosts must see the same files."""

from __future__ import annotations

import asyncio
import functools
import posixpath
from collections.abc import Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, cast

from services.applications.settings import ApplicationSettings, application_settings

if TYPE_CHECKING:
    from types_aiobotocore_s3 import S3Client


class Storage(Protocol):
    """Bytes by key. Keys are relative paths made by `files.new_storage_key`; one outside the
    store (absolute, or climbing with `..`) is a ValueError."""

    async def put(self, key: str, content: bytes) -> None:
        """Stores `content` whole: a reader sees the old object or the new one, never a part."""
        ...

    async def get(self, key: str) -> bytes:
        """The object's bytes; FileNotFoundError when there is none under `key`."""
        ...

    async def delete(self, key: str) -> None:
        """Removes the object; deleting one that is not there is not an error."""
        ...


class LocalStorage:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise ValueError(f"storage key outside the store: {key}")
        return path

    async def put(self, key: str, content: bytes) -> None:
        path = self._path(key)

        def write() -> None:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(".part")
            partial.write_bytes(content)
            partial.replace(path)  # a reader never sees half a file

        await asyncio.to_thread(write)

    async def get(self, key: str) -> bytes:
        return await asyncio.to_thread(self._path(key).read_bytes)

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._path(key).unlink, True)


@dataclass(frozen=True, slots=True)
class S3Config:
    """What one S3 client is made of; hashable, so each process keeps one client per config."""

    bucket: str
    endpoint_url: str | None = None
    region: str = "us-east-1"
    access_key_id: str | None = None
    secret_access_key: str | None = None
    key_prefix: str = ""
    path_style: bool = False

    @classmethod
    def from_settings(cls, settings: ApplicationSettings) -> S3Config:
        secret = settings.s3_secret_access_key
        return cls(
            bucket=settings.s3_bucket,
            endpoint_url=settings.s3_endpoint_url or None,
            region=settings.s3_region,
            access_key_id=settings.s3_access_key_id or None,
            secret_access_key=secret.get_secret_value() if secret else None,
            key_prefix=settings.s3_key_prefix,
            path_style=settings.s3_path_style,
        )


class S3Storage:
    """One bucket, objects under `key_prefix`. PutObject replaces an object whole and S3's
    DeleteObject already ignores a missing key, so only a missing GET needs translating.

    The client (and its connection pool) opens on first use and lives until `close()`, which
    the app calls at shutdown."""

    def __init__(self, config: S3Config) -> None:
        self.config = config
        self._client: S3Client | None = None
        self._stack = AsyncExitStack()
        self._opening = asyncio.Lock()

    def _key(self, key: str) -> str:
        normal = posixpath.normpath(key)
        if key.startswith("/") or normal in (".", "..") or normal.startswith("../"):
            raise ValueError(f"storage key outside the store: {key}")
        return self.config.key_prefix + normal

    async def _s3(self) -> S3Client:
        if self._client is not None:
            return self._client
        async with self._opening:
            if self._client is None:
                from aiobotocore.config import AioConfig

                config = self.config
                options = AioConfig(
                    s3={"addressing_style": "path" if config.path_style else "virtual"},
                    signature_version="s3v4",
                    connect_timeout=5,
                    read_timeout=30,
                    retries={"max_attempts": 3, "mode": "standard"},
                    # Checksums only where the API demands them: many S3-compatible stores
                    # refuse the CRC headers newer AWS clients add to every upload.
                    request_checksum_calculation="when_required",
                    response_checksum_validation="when_required",
                )
                creating = _session().create_client(
                    "s3",
                    region_name=config.region,
                    endpoint_url=config.endpoint_url,
                    aws_access_key_id=config.access_key_id,
                    aws_secret_access_key=config.secret_access_key,
                    config=options,
                )
                self._client = cast("S3Client", await self._stack.enter_async_context(creating))
        return self._client

    async def put(self, key: str, content: bytes) -> None:
        s3 = await self._s3()
        await s3.put_object(Bucket=self.config.bucket, Key=self._key(key), Body=content)

    async def get(self, key: str) -> bytes:
        s3 = await self._s3()
        try:
            answer = await s3.get_object(Bucket=self.config.bucket, Key=self._key(key))
        except s3.exceptions.NoSuchKey:
            raise FileNotFoundError(key) from None
        async with answer["Body"] as body:
            content: bytes = await body.read()
        return content

    async def delete(self, key: str) -> None:
        s3 = await self._s3()
        await s3.delete_object(Bucket=self.config.bucket, Key=self._key(key))

    async def close(self) -> None:
        self._client = None
        await self._stack.aclose()
        self._stack = AsyncExitStack()


@functools.cache
def _session() -> Any:
    """One botocore session per process: it loads the S3 API model once for every client."""
    from aiobotocore.session import get_session

    return get_session()


_s3_stores: dict[S3Config, S3Storage] = {}


def s3_storage() -> S3Storage:
    config = S3Config.from_settings(application_settings())
    store = _s3_stores.get(config)
    if store is None:
        store = _s3_stores[config] = S3Storage(config)
    return store


async def close_storage() -> None:
    """Closes the S3 clients this process opened (a shutdown hook of the app)."""
    stores = list(_s3_stores.values())
    _s3_stores.clear()
    for store in stores:
        await store.close()


STORAGES: dict[str, Callable[[], Storage]] = {
    "local": lambda: LocalStorage(Path(application_settings().storage_dir)),
    "s3": s3_storage,
}


def storage() -> Storage:
    return STORAGES[application_settings().storage]()
