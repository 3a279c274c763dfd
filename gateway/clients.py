"""The built web clients, served by the app: the resident H5 at `/h5/`, the staff console at
`/console/`.

A client is served only once it is built (`make run` builds it); until then its routes answer 404
and nothing links to it: `resident_pages_served()` is what every link builder asks (official-account
replies, menu view buttons, template-message URLs), so a resident never follows a link to a page
that is not there. Both clients route in the browser (history mode), so any path under the prefix
that is not a file answers the client's `index.html`.

Cache headers: the bundler puts a content hash in every asset name, so assets are cached for a
year; `index.html` names the current assets and is revalidated on every load, which makes a new
build visible at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import APIRouter, FastAPI
from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, Response

ROOT = Path(__file__).resolve().parent.parent / "clients"
ASSET_CACHE = "public, max-age=31536000, immutable"
PAGE_CACHE = "no-cache"


@dataclass(frozen=True, slots=True)
class BuiltClient:
    prefix: str  # URL prefix without the trailing slash, e.g. "/h5"
    dist: Path  # folder holding the build's index.html

    @property
    def built(self) -> bool:
        return (self.dist / "index.html").is_file()

    def file_for(self, path: str) -> tuple[Path, str]:
        """The file answering `path` (relative to the prefix) and its Cache-Control."""
        candidate = (self.dist / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(self.dist.resolve()):
            cache = PAGE_CACHE if candidate.name == "index.html" else ASSET_CACHE
            return candidate, cache
        if Path(path).suffix and not path.endswith(".html"):
            raise HTTPException(404)  # a missing asset is a 404, never the page in its place
        return self.dist / "index.html", PAGE_CACHE


RESIDENT = BuiltClient("/h5", ROOT / "resident" / "dist" / "h5")
CONSOLE = BuiltClient("/console", ROOT / "console" / "dist")
CLIENTS = (RESIDENT, CONSOLE)


def resident_pages_served() -> bool:
    """Whether the resident pages exist, so replies and messages may link to them."""
    return RESIDENT.built


def resident_page(path: str) -> str:
    """The site path of a resident page, `path` being the client's page path with its query
    (`pages/queue/ticket?id=3`)."""
    return f"{RESIDENT.prefix}/{path.lstrip('/')}"


def is_site_path(target: str) -> bool:
    """Whether `target` is a path of this site (with its query), so redirecting there can never
    send a resident to another site (no open redirect)."""
    parts = urlsplit(target)
    return not (
        not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or "#" in target
        or parts.scheme
        or parts.netloc
        or any(ord(c) < 0x21 or c == "\x7f" for c in target)
    )


def client_router(client: BuiltClient) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    async def serve(path: str = "") -> Response:
        if not client.built:
            raise HTTPException(404)
        file, cache = client.file_for(path)
        return FileResponse(file, headers={"Cache-Control": cache})

    router.add_api_route(client.prefix, serve, methods=["GET", "HEAD"])
    router.add_api_route(f"{client.prefix}/{{path:path}}", serve, methods=["GET", "HEAD"])
    return router


def include_clients(app: FastAPI) -> None:
    for client in CLIENTS:
        app.include_router(client_router(client))
