"""Which bind addresses stay on this machine: the workbench and the server both refuse to listen beyond loopback
without a login or a key."""

from __future__ import annotations

import ipaddress


def is_loopback(host: str) -> bool:
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:  # a host name, "" or 0.0.0.0-like wildcards: reachable from elsewhere
        return False
