"""Per-address limits for the sign-in routes, which sit outside the gateway pipeline."""

from __future__ import annotations

from config.runtime import runtime
from gateway.codes import Code
from gateway.errors import GovError


async def limit_address(route: str, address: str, limit: int, window: int) -> None:
    """RATE_LIMITED once `address` has called `route` `limit` times in the current window."""
    result = await runtime().store.hit_window(f"rl:{route}:ip:{address}", limit, window)
    if not result.allowed:
        raise GovError(
            Code.RATE_LIMITED,
            retry_after=result.retry_after,
            headers={"Retry-After": str(result.retry_after)},
        )
