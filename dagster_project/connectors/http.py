"""HTTP downloads that fail cleanly: timeouts, retries with backoff, checks, atomic files.

`HttpClient.get` fetches one URL (standard library only, redirects between http(s) URLs
followed), retrying what may pass on a second try (connection errors, timeouts, HTTP 5xx,
408 and 429, a body shorter than its Content-Length) with exponential backoff, and refusing
at once what will not (other 4xx, a content type the caller does not accept, a body larger
than allowed). A host that gave no answer after every try is remembered as unreachable for
the rest of the run, so an offline machine spends one round of retries per host, not per file.

Connectors write into the raw folder with `raw_files.atomic_file` (a temporary file renamed
over the target only once complete and checked; nothing outside the raw folder).
"""

from __future__ import annotations

import hashlib
import http.client
import shutil
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

CHUNK = 1 << 20
USER_AGENT = "economic-warehouse-data-sync/1.0 (+urllib)"
RETRY_STATUS = frozenset({408, 429, 500, 502, 503, 504})


class DownloadError(Exception):
    """The download failed; the message says where and why. Nothing was written."""


class Unreachable(DownloadError):
    """The host gave no answer after every try (offline, DNS failure, host down)."""


@dataclass(frozen=True)
class HttpPolicy:
    timeout_s: float = 60.0  # per connection attempt and per read
    retries: int = 3  # tries after the first
    backoff_s: float = 2.0  # wait before the first retry; doubles each time
    max_backoff_s: float = 60.0


@dataclass(frozen=True)
class Response:
    url: str  # after redirects
    content_type: str
    size: int  # bytes received (and written, when streamed to a file)
    sha256: str
    body: bytes | None  # None when streamed to a file


class HttpClient:
    def __init__(self, policy: HttpPolicy = HttpPolicy(), sleep: Callable[[float], None] = time.sleep):
        self.policy = policy
        self._sleep = sleep
        self._unreachable: dict[str, str] = {}
        self._opener = urllib.request.build_opener(_HttpOnlyRedirects())

    def get(
        self,
        url: str,
        *,
        accept: tuple[str, ...] = (),
        into: BinaryIO | None = None,
        max_bytes: int | None = None,
    ) -> Response:
        """GET `url`; the body is returned, or streamed into `into` (rewound on every retry).

        `accept`: content types allowed (prefix match, e.g. "application/json"); empty
        accepts anything but an HTML page, which from a data source is an error or login page.
        """
        host = urllib.parse.urlsplit(url).netloc
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise DownloadError(f"{url}: only http and https URLs are fetched")
        last = ""
        for attempt in range(self.policy.retries + 1):
            if host in self._unreachable:
                raise Unreachable(f"{url}: {host} did not answer earlier in this run ({self._unreachable[host]})")
            if attempt:
                self._sleep(min(self.policy.backoff_s * 2 ** (attempt - 1), self.policy.max_backoff_s))
            try:
                return self._get_once(url, accept, into, max_bytes)
            except _Retry as exc:
                last = str(exc)
            except urllib.error.HTTPError as exc:  # the server answered: retry only passing states
                last = f"HTTP {exc.code} {exc.reason}"
                if exc.code not in RETRY_STATUS:
                    raise DownloadError(f"{url}: {last}") from exc
            except (urllib.error.URLError, TimeoutError, socket.timeout, ConnectionError) as exc:
                reason = getattr(exc, "reason", exc)
                last = f"{type(reason).__name__}: {reason}"
                if attempt == self.policy.retries:
                    self._unreachable[host] = last
                    raise Unreachable(f"{url}: no answer after {attempt + 1} tries ({last})") from exc
        raise DownloadError(f"{url}: failed after {self.policy.retries + 1} tries ({last})")

    def _get_once(self, url: str, accept: tuple[str, ...], into: BinaryIO | None, max_bytes: int | None) -> Response:
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity"})
        with self._opener.open(request, timeout=self.policy.timeout_s) as response:
            content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if accept and not content_type.startswith(accept) or not accept and content_type == "text/html":
                wanted = ", ".join(accept) if accept else "anything but text/html"
                raise DownloadError(f"{url}: answered with content type {content_type or 'none'}, expected {wanted}")
            length = response.headers.get("Content-Length")
            expected = int(length) if length and length.isdigit() else None
            if max_bytes is not None and expected is not None and expected > max_bytes:
                raise DownloadError(f"{url}: {expected} bytes announced, more than the {max_bytes} allowed")
            digest, size, chunks = hashlib.sha256(), 0, []
            if into is not None:
                into.seek(0)
                into.truncate()
            try:
                while chunk := response.read(CHUNK):
                    size += len(chunk)
                    if max_bytes is not None and size > max_bytes:
                        raise DownloadError(f"{url}: body larger than the {max_bytes} bytes allowed")
                    digest.update(chunk)
                    if into is None:
                        chunks.append(chunk)
                    else:
                        into.write(chunk)
            except http.client.IncompleteRead as exc:
                raise _Retry(f"truncated body: {size + len(exc.partial)} of {expected} bytes") from exc
            except (TimeoutError, socket.timeout) as exc:
                raise _Retry(f"timed out after {size} bytes") from exc
            if expected is not None and size != expected:
                raise _Retry(f"truncated body: {size} of {expected} bytes")
            return Response(response.geturl(), content_type, size, digest.hexdigest(),
                            b"".join(chunks) if into is None else None)


class _Retry(Exception):
    """A failure that may pass on the next try."""


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects (up to urllib's limit of 10) only to http or https URLs."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urllib.parse.urlsplit(newurl).scheme not in ("http", "https"):
            raise urllib.error.HTTPError(newurl, code, f"redirect to {newurl} refused", headers, fp)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def copy_stream(source: BinaryIO, out: BinaryIO) -> int:
    """Copy a stream into `out`; returns the bytes copied."""
    start = out.tell()
    shutil.copyfileobj(source, out, CHUNK)
    return out.tell() - start
