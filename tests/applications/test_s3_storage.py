"""The S3-compatible storage against a real S3 API (a moto server on 127.0.0.1): the same
contract as the local folder, objects under the key prefix, and materials uploaded and served
through the routes when the applications store their files in a bucket."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import TYPE_CHECKING, cast

import httpx
import pytest
import pytest_asyncio
from aiobotocore.session import get_session
from moto.server import ThreadedMotoServer
from pydantic import SecretStr

from gateway.schemas import Channel
from services.applications.models import StoredFile
from services.applications.settings import application_settings
from services.applications.storage import (
    LocalStorage,
    S3Config,
    S3Storage,
    Storage,
    close_storage,
    storage,
)
from tests.applications.conftest import PDF, PNG
from tests.notify.helpers import session_token

if TYPE_CHECKING:
    from types_aiobotocore_s3 import S3Client

BUCKET = "govhub-materials"
PREFIX = "govhub/"
KEYS = {"access_key_id": "test-access-key", "secret_access_key": "test-secret-key"}


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def raw_client(endpoint: str) -> AbstractAsyncContextManager[S3Client]:
    """A plain S3 client, to set up the bucket and look at it from outside GovHub."""
    return cast(
        "AbstractAsyncContextManager[S3Client]",
        get_session().create_client(
            "s3",
            region_name="us-east-1",
            endpoint_url=endpoint,
            aws_access_key_id=KEYS["access_key_id"],
            aws_secret_access_key=KEYS["secret_access_key"],
        ),
    )


@pytest_asyncio.fixture(scope="module")
async def bucket(moto_endpoint: str) -> str:
    async with raw_client(moto_endpoint) as s3:
        await s3.create_bucket(Bucket=BUCKET)
    return moto_endpoint


def config(endpoint: str) -> S3Config:
    return S3Config(
        bucket=BUCKET,
        endpoint_url=endpoint,
        access_key_id=KEYS["access_key_id"],
        secret_access_key=KEYS["secret_access_key"],
        key_prefix=PREFIX,
        path_style=True,
    )


async def object_bytes(endpoint: str, key: str) -> bytes:
    async with raw_client(endpoint) as s3:
        answer = await s3.get_object(Bucket=BUCKET, Key=key)
        async with answer["Body"] as body:
            content: bytes = await body.read()
    return content


@pytest_asyncio.fixture(params=["local", "s3"])
async def store(
    request: pytest.FixtureRequest, bucket: str, tmp_path: Path
) -> AsyncIterator[Storage]:
    """Each backend, so the contract tests hold the S3 store to what the local one does."""
    if request.param == "local":
        yield LocalStorage(tmp_path / "files")
        return
    s3 = S3Storage(config(bucket))
    yield s3
    await s3.close()


class TestStorageContract:
    @pytest.mark.asyncio
    async def test_put_get_replace_delete(self, store: Storage) -> None:
        await store.put("ab/one.png", PNG)
        assert await store.get("ab/one.png") == PNG
        await store.put("ab/one.png", PDF)
        assert await store.get("ab/one.png") == PDF
        await store.delete("ab/one.png")
        with pytest.raises(FileNotFoundError):
            await store.get("ab/one.png")

    @pytest.mark.asyncio
    async def test_a_missing_object(self, store: Storage) -> None:
        with pytest.raises(FileNotFoundError):
            await store.get("zz/never-stored.pdf")
        await store.delete("zz/never-stored.pdf")  # not an error

    @pytest.mark.asyncio
    @pytest.mark.parametrize("key", ["../outside.png", "ab/../../outside.png", "/etc/passwd"])
    async def test_keys_outside_the_store_are_refused(self, store: Storage, key: str) -> None:
        with pytest.raises(ValueError, match="outside the store"):
            await store.put(key, PNG)


class TestS3Storage:
    @pytest.mark.asyncio
    async def test_objects_sit_under_the_key_prefix(self, bucket: str) -> None:
        s3 = S3Storage(config(bucket))
        try:
            await s3.put("cd/two.pdf", PDF)
        finally:
            await s3.close()
        assert await object_bytes(bucket, f"{PREFIX}cd/two.pdf") == PDF

    @pytest.mark.asyncio
    async def test_a_closed_store_opens_again_on_next_use(self, bucket: str) -> None:
        s3 = S3Storage(config(bucket))
        await s3.put("ef/three.png", PNG)
        await s3.close()
        try:
            assert await s3.get("ef/three.png") == PNG
        finally:
            await s3.close()

    def test_the_setting_names_the_missing_bucket(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from config.settings import SettingsError, load
        from services.applications.settings import ApplicationSettings

        monkeypatch.setenv("GOVHUB_APPLICATIONS_STORAGE", "s3")
        with pytest.raises(SettingsError, match="GOVHUB_APPLICATIONS_S3_BUCKET"):
            load(ApplicationSettings)
        monkeypatch.setenv("GOVHUB_APPLICATIONS_STORAGE", "ftp")
        with pytest.raises(SettingsError, match="GOVHUB_APPLICATIONS_STORAGE"):
            load(ApplicationSettings)


@pytest_asyncio.fixture
async def in_bucket(
    forms: None, bucket: str, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[str]:
    """The applications keep their files in the bucket, as configured in production."""
    settings = application_settings()
    monkeypatch.setattr(settings, "storage", "s3")
    monkeypatch.setattr(settings, "s3_bucket", BUCKET)
    monkeypatch.setattr(settings, "s3_endpoint_url", bucket)
    monkeypatch.setattr(settings, "s3_access_key_id", KEYS["access_key_id"])
    monkeypatch.setattr(settings, "s3_secret_access_key", SecretStr(KEYS["secret_access_key"]))
    monkeypatch.setattr(settings, "s3_key_prefix", PREFIX)
    monkeypatch.setattr(settings, "s3_path_style", True)
    yield bucket
    await close_storage()


class TestMaterialsInABucket:
    @pytest.mark.asyncio
    async def test_uploads_are_served_back_through_signed_links(
        self, client: httpx.AsyncClient, in_bucket: str
    ) -> None:
        assert isinstance(storage(), S3Storage)
        token = await session_token(Channel.APP, "govhub-app", "13600136001")
        auth = {"Authorization": f"Bearer {token}"}
        for name, content, kind in [
            ("id.png", PNG, "image/png"),
            ("deed.pdf", PDF, "application/pdf"),
        ]:
            sent = await client.post(
                "/api/v1/files", headers=auth, files={"file": (name, content, kind)}
            )
            assert sent.status_code == 200, sent.text
            uploaded = sent.json()["data"]
            stored = await StoredFile.get(id=uploaded["file_id"])
            assert await object_bytes(in_bucket, PREFIX + stored.storage_key) == content
            fetched = await client.get(uploaded["link"])
            assert fetched.status_code == 200
            assert fetched.content == content
            assert fetched.headers["content-type"] == kind

    @pytest.mark.asyncio
    async def test_a_material_whose_object_is_gone_is_not_found(
        self, client: httpx.AsyncClient, in_bucket: str
    ) -> None:
        token = await session_token(Channel.APP, "govhub-app", "13600136002")
        sent = await client.post(
            "/api/v1/files",
            headers={"Authorization": f"Bearer {token}"},
            files={"file": ("id.png", PNG, "image/png")},
        )
        uploaded = sent.json()["data"]
        stored = await StoredFile.get(id=uploaded["file_id"])
        await storage().delete(stored.storage_key)
        gone = await client.get(uploaded["link"])
        assert gone.status_code == 404
        assert gone.json()["code"] == "FILE_NOT_FOUND"
