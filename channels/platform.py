"""The pooled HTTP client each platform adapter talks through.

By default every platform shares `runtime().http`. A deployment (or a test standing in for the
platform) may give one platform its own client by placing it in the runtime's extras under
`http.<platform>`, e.g. `http.wechat` or `http.alipay`.
"""

from __future__ import annotations

import httpx

from config.runtime import runtime


def platform_http(platform: str) -> httpx.AsyncClient:
    rt = runtime()
    client = rt.extras.get(f"http.{platform}")
    return client if isinstance(client, httpx.AsyncClient) else rt.http
