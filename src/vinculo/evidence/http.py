"""HTTP for the evidence layer: one client, JSON requests with backoff and an on-disk
response cache, and resumable file downloads with checksums.

Every network call of Vínculo goes through here, so tests replace the network in one place:
pass ``transport=httpx.MockTransport(handler)`` to :func:`new_client` and replay recorded
payloads. Nothing here reads the environment; callers pass keys and folders.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable, Mapping
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import httpx

from vinculo import __version__
from vinculo.evidence.store import EvidenceError, file_sha256

__all__ = [
    "USER_AGENT",
    "Download",
    "HttpError",
    "RateLimitedError",
    "ResponseCache",
    "download",
    "get_json",
    "new_client",
    "write_atomic",
]

USER_AGENT = f"vinculo/{__version__} (+https://github.com/vinculo; science-diplomacy evidence)"

_RETRY_STATUS = {429, 500, 502, 503, 504}
_CHUNK = 1 << 20


class HttpError(EvidenceError):
    """A request failed for good: the message names the URL, the status and the server's
    own explanation when it gave one."""

    def __init__(self, message: str, *, status: int | None = None, url: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.url = url


class RateLimitedError(HttpError):
    """The server kept answering 429 (too many requests) after every retry: wait and run
    again; nothing is lost (responses already received are cached)."""


def new_client(
    *, transport: httpx.BaseTransport | None = None, timeout: float = 60.0
) -> httpx.Client:
    """The client every source uses: Vínculo's user agent, timeouts, redirects followed."""
    return httpx.Client(
        transport=transport,
        timeout=httpx.Timeout(timeout, connect=20.0),
        headers={"User-Agent": USER_AGENT},
        follow_redirects=True,
    )


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file renamed over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class ResponseCache:
    """JSON responses on disk, one file per request, keyed by URL and parameters.

    Parameters named in ``secret_parameters`` (API keys) are left out of the key, so a
    cache never stores a secret and survives a change of key. Files are written whole or
    not at all, so an interrupted run resumes from the last complete response.
    """

    def __init__(self, folder: str | Path, *, secret_parameters: tuple[str, ...] = ()) -> None:
        self.folder = Path(folder)
        self.secret_parameters = secret_parameters

    def key(self, url: str, params: Mapping[str, Any] | None) -> str:
        public = {
            k: str(v) for k, v in sorted((params or {}).items()) if k not in self.secret_parameters
        }
        text = json.dumps([url, public], sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, url: str, params: Mapping[str, Any] | None) -> Any | None:
        path = self._path(self.key(url, params))
        try:
            return json.loads(path.read_bytes())
        except FileNotFoundError:
            return None
        except (json.JSONDecodeError, OSError):
            path.unlink(missing_ok=True)  # a damaged entry is fetched again
            return None

    def put(self, url: str, params: Mapping[str, Any] | None, payload: Any) -> None:
        write_atomic(self._path(self.key(url, params)), json.dumps(payload).encode())

    def __len__(self) -> int:
        return sum(1 for _ in self.folder.glob("*/*.json")) if self.folder.exists() else 0


def _retry_after(response: httpx.Response, default: float) -> float:
    """Seconds the server asks us to wait (``Retry-After`` as seconds or a date)."""
    value = response.headers.get("Retry-After")
    if not value:
        return default
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return default


def _explanation(response: httpx.Response) -> str:
    """The server's own error message, from a JSON body when there is one."""
    try:
        body = response.json()
    except ValueError:
        text = response.text.strip()
        return text[:300]
    return json.dumps(body)[:300]


def _safe_url(url: httpx.URL | str, secret_parameters: tuple[str, ...]) -> str:
    parsed = httpx.URL(str(url))
    for name in secret_parameters:
        if name in parsed.params:
            parsed = parsed.copy_set_param(name, "***")
    return str(parsed)


def get_json(
    client: httpx.Client,
    url: str,
    params: Mapping[str, Any] | None = None,
    *,
    cache: ResponseCache | None = None,
    retries: int = 6,
    backoff: float = 1.0,
    max_wait: float = 120.0,
    sleep: Callable[[float], None] = time.sleep,
    on_429: Callable[[httpx.Response], Exception | None] | None = None,
    on_response: Callable[[httpx.Response], None] | None = None,
    secret_parameters: tuple[str, ...] = (),
    form: Mapping[str, str] | None = None,
) -> Any:
    """GET a JSON document, from ``cache`` when it is there; with ``form``, POST it
    (form-encoded) instead, never cached.

    429 and 5xx answers and dropped connections are retried up to ``retries`` times,
    waiting what ``Retry-After`` says or ``backoff`` × 2^attempt seconds (at most
    ``max_wait``). ``on_429`` may turn a 429 into an error raised at once (e.g. a daily
    budget exhausted, which waiting does not fix). ``on_response`` sees every response
    (e.g. to count credits). Other 4xx answers raise :class:`HttpError` at once.
    ``secret_parameters`` are masked in error messages and left out of the cache key.
    """
    if form is not None:
        cache = None
    if cache is not None:
        cached = cache.get(url, params)
        if cached is not None:
            return cached
    shown = _safe_url(httpx.URL(url, params=dict(params or {})), secret_parameters)
    last: str = ""
    for attempt in range(retries + 1):
        wait = min(max_wait, backoff * 2**attempt)
        try:
            response = (
                client.get(url, params=params)
                if form is None
                else client.post(url, params=params, data=dict(form))
            )
        except httpx.TransportError as error:
            last = f"connection failed ({type(error).__name__}: {error})"
            if attempt < retries:
                sleep(wait)
                continue
            raise HttpError(f"{shown}: {last}", url=shown) from None
        if on_response is not None:
            on_response(response)
        if response.status_code == 429 and on_429 is not None:
            fatal = on_429(response)
            if fatal is not None:
                raise fatal
        if response.status_code in _RETRY_STATUS:
            last = f"HTTP {response.status_code}: {_explanation(response)}"
            if attempt < retries:
                sleep(min(max_wait, _retry_after(response, wait)))
                continue
            kind = RateLimitedError if response.status_code == 429 else HttpError
            raise kind(
                f"{shown}: {last} (still failing after {retries} retries)",
                status=response.status_code,
                url=shown,
            )
        if response.status_code >= 400:
            raise HttpError(
                f"{shown}: HTTP {response.status_code}: {_explanation(response)}",
                status=response.status_code,
                url=shown,
            )
        try:
            payload = response.json()
        except ValueError:
            raise HttpError(
                f"{shown}: the answer is not JSON: {response.text[:200]!r}",
                status=response.status_code,
                url=shown,
            ) from None
        if cache is not None:
            cache.put(url, params, payload)
        return payload
    raise HttpError(f"{shown}: {last}", url=shown)  # pragma: no cover - loop always returns


# ---------------------------------------------------------------------- downloads
class Download:
    """What :func:`download` did: the file, its size and checksum, bytes fetched now."""

    def __init__(self, path: Path, size: int, sha256: str, fetched: int, resumed: bool) -> None:
        self.path = path
        self.size = size
        self.sha256 = sha256
        self.fetched = fetched
        self.resumed = resumed

    def __repr__(self) -> str:
        return (
            f"Download({self.path.name}, {self.size} bytes, fetched {self.fetched}, "
            f"resumed={self.resumed})"
        )


def download(
    client: httpx.Client,
    url: str,
    target: str | Path,
    *,
    sha256: str | None = None,
    retries: int = 5,
    backoff: float = 2.0,
    sleep: Callable[[float], None] = time.sleep,
    progress: Callable[[int, int | None], None] | None = None,
) -> Download:
    """Download ``url`` to ``target``, resuming a partial download, checking ``sha256``.

    Bytes go to ``target`` + ``.part``; a dropped connection is retried with an HTTP
    ``Range`` request from where the part ends (a server that ignores ranges sends the
    whole file again, and the part restarts). Only a complete file whose checksum matches
    is renamed into place, so ``target`` is never half-written. An existing ``target``
    with the right checksum is not fetched again. ``progress(done, total)`` is called as
    bytes arrive.
    """
    path = Path(target)
    if path.is_file() and (sha256 is None or file_sha256(path) == sha256):
        size = path.stat().st_size
        return Download(path, size, sha256 or file_sha256(path), 0, False)
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    fetched = 0
    resumed = False
    last = ""
    for attempt in range(retries + 1):
        have = part.stat().st_size if part.exists() else 0
        headers = {"Range": f"bytes={have}-"} if have else {}
        try:
            with client.stream("GET", url, headers=headers) as response:
                if response.status_code == 416 and have:  # the part is already whole
                    break
                if response.status_code >= 400:
                    if response.status_code in _RETRY_STATUS and attempt < retries:
                        last = f"HTTP {response.status_code}"
                        sleep(_retry_after(response, backoff * 2**attempt))
                        continue
                    response.read()
                    raise HttpError(
                        f"{url}: HTTP {response.status_code}: {_explanation(response)}",
                        status=response.status_code,
                        url=url,
                    )
                partial = response.status_code == 206 and have > 0
                resumed = resumed or partial
                total = _total_size(response, have if partial else 0)
                done = have if partial else 0
                with part.open("ab" if partial else "wb") as out:
                    for chunk in response.iter_bytes():  # as it arrives: nothing held back
                        out.write(chunk)
                        done += len(chunk)
                        fetched += len(chunk)
                        if progress is not None:
                            progress(done, total)
                if total is not None and done < total:
                    raise httpx.RemoteProtocolError(f"stopped at {done} of {total} bytes")
            break
        except httpx.TransportError as error:
            last = f"connection failed ({type(error).__name__}: {error})"
            if attempt < retries:
                sleep(min(120.0, backoff * 2**attempt))
                continue
            raise HttpError(
                f"{url}: {last}; the {part.stat().st_size if part.exists() else 0} bytes "
                f"received are kept in {part} and the next run resumes from there",
                url=url,
            ) from None
    else:
        raise HttpError(f"{url}: {last} (still failing after {retries} retries)", url=url)
    digest = file_sha256(part)
    if sha256 is not None and digest != sha256:
        part.unlink()
        raise HttpError(
            f"{url}: checksum mismatch: expected sha256 {sha256}, got {digest}; the download "
            "was deleted, run again to fetch it anew",
            url=url,
        )
    os.replace(part, path)
    return Download(path, path.stat().st_size, digest, fetched, resumed)


def _total_size(response: httpx.Response, offset: int) -> int | None:
    """The full size of the file being sent, from Content-Range or Content-Length."""
    content_range = response.headers.get("Content-Range", "")
    if "/" in content_range:
        total = content_range.rsplit("/", 1)[1]
        if total.isdigit():
            return int(total)
    length = response.headers.get("Content-Length")
    if length and length.isdigit() and response.headers.get("Content-Encoding") is None:
        return offset + int(length)
    return None
