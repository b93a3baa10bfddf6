"""HTTP downloads that fail cleanly: urllib3's retries, the project's checks, atomic files.

`HttpClient.get` fetches one URL through a urllib3 pool. urllib3's `Retry` retries what may
pass on a second try up to the response's headers - connection errors, timeouts, HTTP 408,
429 and 5xx (a Retry-After header is honoured, up to `max_backoff_s`) - with exponential
backoff, and follows redirects between http(s) URLs only. A body cut short of its
Content-Length, or stalled, shows only while it is read, after urllib3 has handed the response
over: that is retried here, with the same policy. Refused at once: other 4xx, a content type
the caller does not accept, a body larger than allowed. A host that gave no answer after
every try is remembered as unreachable for the rest of the run, so an offline machine spends
one round of retries per host, not per file.

Connectors write into the raw folder with `raw_files.atomic_file` (a temporary file renamed
over the target only once complete and checked; nothing outside the raw folder).
"""

from __future__ import annotations

import hashlib
import shutil
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

import urllib3
from urllib3.exceptions import IncompleteRead, LocationValueError, MaxRetryError, ProtocolError, ReadTimeoutError
from urllib3.util import Retry, Timeout

CHUNK = 1 << 20
USER_AGENT = "economic-warehouse-data-sync/1.0 (+urllib3)"
RETRY_STATUS = frozenset({408, 429, 500, 502, 503, 504})


class DownloadError(Exception):
    """The download failed; the message says where and why. Nothing was written."""


class Unreachable(DownloadError):
    """The host gave no answer after every try (offline, DNS failure, host down)."""


@dataclass(frozen=True)
class HttpPolicy:
    timeout_s: float = 60.0  # per connection attempt and per read
    retries: int = 3  # tries after the first
    backoff_s: float = 2.0  # urllib3's backoff factor: the second retry waits 2x this, the third 4x, ...
    max_backoff_s: float = 60.0  # longest wait, Retry-After included


@dataclass(frozen=True)
class Response:
    url: str  # after redirects
    content_type: str
    size: int  # bytes received (and written, when streamed to a file)
    sha256: str
    body: bytes | None  # None when streamed to a file


class _ClockedRetry(Retry):
    """urllib3's Retry whose waits go through the client's `sleep` (the tests record them)."""

    def __init__(self, *args, wait: Callable[[float], None] = time.sleep, **kwargs):
        super().__init__(*args, **kwargs)
        self.wait = wait

    def new(self, **kwargs) -> "_ClockedRetry":
        retry = super().new(**kwargs)
        retry.wait = self.wait
        return retry

    def sleep(self, response=None) -> None:
        retry_after = self.get_retry_after(response) if response is not None else None
        seconds = retry_after if retry_after is not None else self.get_backoff_time()
        if seconds > 0:
            self.wait(seconds)


class HttpClient:
    def __init__(self, policy: HttpPolicy = HttpPolicy(), sleep: Callable[[float], None] = time.sleep):
        self.policy = policy
        self._sleep = sleep
        self._unreachable: dict[str, str] = {}
        self._retry = _ClockedRetry(
            total=policy.retries, redirect=10, status_forcelist=RETRY_STATUS, allowed_methods=frozenset({"GET"}),
            backoff_factor=policy.backoff_s, backoff_max=policy.max_backoff_s,
            retry_after_max=int(policy.max_backoff_s), raise_on_status=False, wait=sleep,
        )
        self._pool = urllib3.PoolManager(
            timeout=Timeout(connect=policy.timeout_s, read=policy.timeout_s),
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity"},
        )

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
            if attempt > 1:  # the body failed after the headers: a new request, on urllib3's schedule
                self._sleep(min(self.policy.backoff_s * 2 ** (attempt - 1), self.policy.max_backoff_s))
            try:
                return self._get_once(url, host, accept, into, max_bytes)
            except _BodyFailed as exc:
                last = str(exc)
        raise DownloadError(f"{url}: failed after {self.policy.retries + 1} tries ({last})")

    def _get_once(
        self, url: str, host: str, accept: tuple[str, ...], into: BinaryIO | None, max_bytes: int | None
    ) -> Response:
        try:
            response = self._pool.request("GET", url, retries=self._retry, preload_content=False, decode_content=False)
        except MaxRetryError as exc:  # connection refused, DNS, timeouts: every try failed before an answer
            reason = exc.reason if exc.reason is not None else exc
            last = f"{type(reason).__name__}: {reason}"
            self._unreachable[host] = last
            raise Unreachable(f"{url}: no answer after {self.policy.retries + 1} tries ({last})") from exc
        except LocationValueError as exc:  # a redirect to a scheme other than http(s)
            raise DownloadError(f"{url}: redirect refused ({exc})") from exc
        try:
            return self._read(url, response, accept, into, max_bytes)
        finally:
            response.release_conn()

    def _read(self, url: str, response, accept: tuple[str, ...], into: BinaryIO | None, max_bytes: int | None) -> Response:
        if response.status >= 400:
            answer = f"HTTP {response.status} {response.reason}"
            if response.status in RETRY_STATUS:  # urllib3 retried it as often as the policy allows
                tries = len(response.retries.history) + 1 if response.retries else 1
                raise DownloadError(f"{url}: failed after {tries} tries ({answer})")
            raise DownloadError(f"{url}: {answer}")
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
        except (ProtocolError, IncompleteRead) as exc:
            raise _BodyFailed(f"truncated body: {_received(exc, size)} of {expected} bytes") from exc
        except ReadTimeoutError as exc:
            raise _BodyFailed(f"timed out after {size} bytes") from exc
        if expected is not None and size != expected:
            raise _BodyFailed(f"truncated body: {size} of {expected} bytes")
        return Response(response.geturl() or url, content_type, size, digest.hexdigest(),
                        b"".join(chunks) if into is None else None)


def _received(exc: Exception, counted: int) -> int:
    """Bytes received before the connection ended (urllib3's IncompleteRead counts them all)."""
    incomplete = next((a for a in (exc, *exc.args) if isinstance(a, IncompleteRead)), None)
    return incomplete.partial if incomplete is not None else counted


class _BodyFailed(Exception):
    """The body failed after the headers arrived (cut short, stalled): worth another request."""


def copy_stream(source: BinaryIO, out: BinaryIO) -> int:
    """Copy a stream into `out`; returns the bytes copied."""
    start = out.tell()
    shutil.copyfileobj(source, out, CHUNK)
    return out.tell() - start
