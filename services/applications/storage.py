"""Where uploaded materials are kept, behind a small interface: a local folder by default; an
S3-compatible store is another class with the same three methods and a line in STORAGES."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Protocol

from services.applications.settings import application_settings


class Storage(Protocol):
    async def put(self, key: str, content: bytes) -> None: ...

    async def get(self, key: str) -> bytes: ...

    async def delete(self, key: str) -> None: ...


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


STORAGES = {"local": lambda: LocalStorage(Path(application_settings().storage_dir))}


def storage() -> Storage:
    return STORAGES[application_settings().storage]()
