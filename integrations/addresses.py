"""Where webhooks may go: the guard against server-side request forgery, and the one POST.

Only http and https, and never to an address that is private, loopback, link-local, multicast,
reserved or unspecified: checked when the admin saves an endpoint and again at each sending,
after resolving the host name. The connection goes to the very address checked, so a name cannot
resolve to a safe address for the check and to an internal one for the request (DNS rebinding).
Redirects are not followed. WEBHOOKS_ALLOW_PRIVATE_ADDRESSES lifts the address rule (on with
DEBUG: a receiver on the developer's machine).
"""

import ipaddress
import socket
from urllib.parse import SplitResult, urlsplit

import urllib3
from django.conf import settings

# How much of a refusing endpoint's answer the admin sees.
ANSWER_SHOWN = 500


class UnsafeAddress(ValueError):
    """The address is one the portal will not call; the message says why, as the admin reads it."""


def checked_url(url: str) -> SplitResult:
    """The URL's parts, when its form is one the portal calls: http or https, a host, no password."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https"):
        raise UnsafeAddress("Only http:// and https:// addresses can receive webhooks.")
    if not parts.hostname:
        raise UnsafeAddress("The address has no host name.")
    if parts.username or parts.password:
        raise UnsafeAddress(
            "Leave the user name and password out of the address: the signature proves who sends."
        )
    try:
        parts.port  # noqa: B018  (raises on a port out of range)
    except ValueError:
        raise UnsafeAddress("The address's port is not a number from 1 to 65535.") from None
    return parts


def refusal(address: str) -> str:
    """Why the portal will not connect to this IP address ("" when it will)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # a link-local address may carry its zone
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    for unsafe, what in (
        (ip.is_loopback, "a loopback address"),
        (ip.is_link_local, "a link-local address"),
        (ip.is_multicast, "a multicast address"),
        (ip.is_unspecified, "an unspecified address"),
        (ip.is_reserved, "a reserved address"),
        (ip.is_private, "a private address"),
        (not ip.is_global, "not a public address"),
    ):
        if unsafe:
            return what
    return ""


def safe_addresses(url: str) -> tuple[SplitResult, list[str]]:
    """The URL's parts and the IP addresses its host resolves to, every one of them safe to call.

    Raises UnsafeAddress, unless WEBHOOKS_ALLOW_PRIVATE_ADDRESSES, when any address is private,
    loopback, link-local, multicast, reserved or unspecified: a host that resolves to one inside
    the agency's network as well as outside is refused whole.
    """
    parts = checked_url(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeAddress(f"The host name {parts.hostname!r} could not be found ({exc}).") from None
    addresses = list(dict.fromkeys(info[4][0] for info in found))
    if not settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES:
        for address in addresses:
            why = refusal(address)
            if why:
                raise UnsafeAddress(
                    f"{parts.hostname} is {why} ({address}): webhooks go only to public addresses."
                )
    return parts, addresses


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    """POST the body to the URL, at an address just checked; the status and the answer's start.

    The connection is made to a checked IP address (the next one, should it refuse), with the
    host name kept for the Host header, TLS's server name and the certificate's check. No
    redirect is followed.
    """
    parts, addresses = safe_addresses(url)
    for address in addresses[:-1]:
        try:
            return _post_to(address, parts, body, headers)
        except (urllib3.exceptions.NewConnectionError, urllib3.exceptions.ConnectTimeoutError):
            continue  # e.g. localhost's ::1 when the receiver listens on 127.0.0.1 only
    return _post_to(addresses[-1], parts, body, headers)


def _post_to(address: str, parts: SplitResult, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    timeout = urllib3.Timeout(total=settings.WEBHOOK_TIMEOUT_SECONDS)
    if parts.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            address,
            parts.port or 443,
            timeout=timeout,
            retries=False,
            cert_reqs="CERT_REQUIRED",
            server_hostname=parts.hostname,
            assert_hostname=parts.hostname,
        )
    else:
        pool = urllib3.HTTPConnectionPool(address, parts.port or 80, timeout=timeout, retries=False)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    with pool:
        response = pool.urlopen(
            "POST",
            path,
            body=body,
            headers={**headers, "Host": parts.netloc},
            redirect=False,
            retries=False,
            assert_same_host=False,
            preload_content=False,
        )
        try:
            answer = response.read(ANSWER_SHOWN, decode_content=False).decode("utf-8", "replace")
        finally:
            response.release_conn()
    return response.status, answer
