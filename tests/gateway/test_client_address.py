"""The client address behind load balancers: X-Forwarded-For is believed only from the proxies
named in GOVHUB_TRUSTED_PROXIES, walked from the right past them; anyone else's is ignored."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from starlette.requests import Request

from config.settings import Settings, SettingsError
from gateway.router import client_ip, forwarded_client, trusted_networks

LB = trusted_networks("10.0.0.0/8, fd00::/8")


def request_from(peer: str, forwarded: str | None, trusted: str) -> Request:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
    app = SimpleNamespace(state=SimpleNamespace(settings=Settings(trusted_proxies=trusted)))
    scope = {"type": "http", "headers": headers, "client": (peer, 1234), "app": app}
    return Request(scope)


class TestForwardedClient:
    def test_two_residents_behind_the_balancer_are_two_addresses(self) -> None:
        first = forwarded_client("10.0.0.5", "203.0.113.7", LB)
        second = forwarded_client("10.0.0.5", "198.51.100.9", LB)
        assert (first, second) == ("203.0.113.7", "198.51.100.9")

    def test_a_forged_header_from_outside_is_ignored(self) -> None:
        assert forwarded_client("198.51.100.9", "1.2.3.4", LB) == "198.51.100.9"

    def test_hops_added_by_our_own_proxies_are_skipped_and_a_spoofed_left_part_too(
        self,
    ) -> None:
        chain = "6.6.6.6, 203.0.113.7, 10.1.1.1"  # the resident forged 6.6.6.6 before our hops
        assert forwarded_client("10.0.0.5", chain, LB) == "203.0.113.7"
        assert forwarded_client("10.0.0.5", "garbage", LB) == "10.0.0.5"

    def test_without_trusted_proxies_the_peer_is_the_client(self) -> None:
        request = request_from("10.0.0.5", "203.0.113.7", "")
        assert client_ip(request) == "10.0.0.5"
        assert client_ip(request_from("10.0.0.5", "203.0.113.7", "10.0.0.0/8")) == "203.0.113.7"

    def test_a_wrong_cidr_is_a_configuration_error(self) -> None:
        with pytest.raises((SettingsError, ValueError)):
            Settings(trusted_proxies="10.0.0.0/33")
