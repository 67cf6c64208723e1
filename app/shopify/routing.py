"""Send requests meant for https://{shop}.myshopify.com to the local devstore instead.

The devstore tells shops apart by the Host header, so the transport rewrites only the
scheme, host and port it connects to and leaves `Host: {shop}.myshopify.com` as it was.
Nothing else about the request changes: the libraries under it run their real code paths.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
import requests
from requests.adapters import HTTPAdapter

MYSHOPIFY_SUFFIX = ".myshopify.com"


class DevstoreTransport(httpx.BaseTransport):
    def __init__(self, devstore_url: str, inner: httpx.BaseTransport | None = None) -> None:
        target = urlsplit(devstore_url)
        self._scheme = target.scheme or "http"
        self._host = target.hostname or "127.0.0.1"
        self._port = target.port
        self._inner = inner or httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host.endswith(MYSHOPIFY_SUFFIX):
            request.url = request.url.copy_with(scheme=self._scheme, host=self._host, port=self._port)
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()


def rewrite_url(url: str, devstore_url: str | None) -> tuple[str, dict[str, str]]:
    """For clients we drive by hand (requests): the URL to call and the headers to add."""
    parts = urlsplit(url)
    if not devstore_url or not (parts.hostname or "").endswith(MYSHOPIFY_SUFFIX):
        return url, {}
    target = urlsplit(devstore_url)
    rewritten = parts._replace(scheme=target.scheme, netloc=target.netloc).geturl()
    return rewritten, {"Host": parts.netloc}


class DevstoreAdapter(HTTPAdapter):
    """requests' twin of DevstoreTransport, for the requests.Session the GraphQL client uses."""

    def __init__(self, devstore_url: str, **kwargs) -> None:
        self._devstore_url = devstore_url
        super().__init__(**kwargs)

    def send(self, request: requests.PreparedRequest, **kwargs) -> requests.Response:
        url, headers = rewrite_url(request.url or "", self._devstore_url)
        request.url = url
        request.headers.update(headers)
        return super().send(request, **kwargs)
