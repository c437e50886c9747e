"""The HTTP layer with a mocked transport: backoff, cache, secrets, resumable downloads."""

from __future__ import annotations

import hashlib
import json

import httpx
import pytest

from vinculo.evidence.http import (
    HttpError,
    RateLimitedError,
    ResponseCache,
    download,
    get_json,
    new_client,
)

URL = "https://api.example.org/works"


class Recorder:
    """A mock server: answers from a list, records every request it saw."""

    def __init__(self, *answers: httpx.Response | Exception) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def client(self) -> httpx.Client:
        return new_client(transport=httpx.MockTransport(self))


def test_json_is_cached_and_the_second_call_sends_nothing(tmp_path):
    server = Recorder(httpx.Response(200, json={"results": [1, 2]}))
    cache = ResponseCache(tmp_path / "cache", secret_parameters=("api_key",))
    with server.client() as client:
        first = get_json(client, URL, {"page": 1, "api_key": "s3cret"}, cache=cache)
        again = get_json(client, URL, {"page": 1, "api_key": "other"}, cache=cache)
    assert first == again == {"results": [1, 2]}
    assert len(server.requests) == 1
    assert server.requests[0].headers["User-Agent"].startswith("vinculo/")
    assert len(cache) == 1
    stored = next((tmp_path / "cache").glob("*/*.json")).read_text()
    assert "s3cret" not in stored
    assert json.loads(stored) == {"results": [1, 2]}


def test_429_waits_what_retry_after_says_then_succeeds():
    waits: list[float] = []
    server = Recorder(
        httpx.Response(429, headers={"Retry-After": "7"}, json={"error": "slow down"}),
        httpx.ConnectError("dropped"),
        httpx.Response(503, text="busy"),
        httpx.Response(200, json={"ok": True}),
    )
    with server.client() as client:
        assert get_json(client, URL, sleep=waits.append, backoff=0.5) == {"ok": True}
    assert waits == [7.0, 1.0, 2.0]  # Retry-After, then backoff 0.5 × 2^attempt
    assert len(server.requests) == 4


def test_a_form_is_posted_retried_like_a_get_and_never_cached(tmp_path):
    """``form``: a POST of the form-encoded fields (an OAuth token request), with the
    same retries as a GET, and never read from or written to the cache."""
    waits: list[float] = []
    server = Recorder(
        httpx.Response(503, text="busy"),
        httpx.Response(200, json={"access_token": "t1"}),
        httpx.Response(200, json={"access_token": "t2"}),
    )
    cache = ResponseCache(tmp_path / "cache")
    with server.client() as client:
        form = {"grant_type": "client_credentials", "scope": "/read-public"}
        first = get_json(client, URL, form=form, cache=cache, sleep=waits.append)
        second = get_json(client, URL, form=form, cache=cache, sleep=waits.append)
    assert (first, second) == ({"access_token": "t1"}, {"access_token": "t2"})
    assert [r.method for r in server.requests] == ["POST"] * 3
    assert server.requests[0].content == b"grant_type=client_credentials&scope=%2Fread-public"
    assert waits == [1.0]
    assert len(cache) == 0


def test_rate_limited_after_every_retry_is_its_own_error():
    server = Recorder(*[httpx.Response(429, json={"error": "too many"}) for _ in range(3)])
    with server.client() as client, pytest.raises(RateLimitedError, match=r"429.*2 retries"):
        get_json(client, URL, retries=2, sleep=lambda s: None)


def test_a_fatal_429_is_raised_at_once():
    class ExhaustedError(HttpError):
        pass

    server = Recorder(httpx.Response(429, json={"error": "budget exhausted"}))

    def fatal(response: httpx.Response) -> Exception | None:
        return ExhaustedError("daily budget spent") if "budget" in response.text else None

    with server.client() as client, pytest.raises(ExhaustedError):
        get_json(client, URL, on_429=fatal, sleep=lambda s: None)
    assert len(server.requests) == 1


def test_client_errors_name_the_url_and_the_servers_message_but_not_the_key():
    body = {"error": "Invalid query parameters error.", "message": "filter is not valid"}
    server = Recorder(httpx.Response(403, json=body))
    with server.client() as client, pytest.raises(HttpError) as error:
        get_json(
            client, URL, {"filter": "x:y", "api_key": "s3cret"}, secret_parameters=("api_key",)
        )
    message = str(error.value)
    assert "HTTP 403" in message
    assert "filter is not valid" in message
    assert "s3cret" not in message
    assert "api_key=%2A%2A%2A" in message
    assert error.value.status == 403


def test_an_answer_that_is_not_json():
    server = Recorder(httpx.Response(200, text="<html>maintenance</html>"))
    with server.client() as client, pytest.raises(HttpError, match=r"not JSON.*maintenance"):
        get_json(client, URL)


# ------------------------------------------------------------------ downloads
DATA = bytes(range(256)) * 4096  # 1 MiB
DIGEST = hashlib.sha256(DATA).hexdigest()


class Broken(httpx.SyncByteStream):
    """A body that stops after ``cut`` bytes with a dropped connection."""

    def __init__(self, data: bytes, cut: int) -> None:
        self.data, self.cut = data, cut

    def __iter__(self):
        yield self.data[: self.cut]
        raise httpx.ReadError("connection reset by peer")


class FileServer:
    """Serves DATA, honouring Range; the first ``breaks`` answers drop midway."""

    def __init__(self, breaks: int = 0, ranges: bool = True) -> None:
        self.breaks, self.ranges = breaks, ranges
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        start = 0
        header = request.headers.get("Range")
        status, headers = 200, {"Content-Length": str(len(DATA))}
        if header and self.ranges:
            start = int(header.removeprefix("bytes=").rstrip("-"))
            status = 206
            headers = {
                "Content-Range": f"bytes {start}-{len(DATA) - 1}/{len(DATA)}",
                "Content-Length": str(len(DATA) - start),
            }
        body = DATA[start:]
        if self.breaks:
            self.breaks -= 1
            return httpx.Response(status, headers=headers, stream=Broken(body, len(body) // 3))
        return httpx.Response(status, headers=headers, content=body)

    def client(self) -> httpx.Client:
        return new_client(transport=httpx.MockTransport(self))


def test_a_download_resumes_after_a_dropped_connection(tmp_path):
    server = FileServer(breaks=1)
    seen: list[tuple[int, int | None]] = []
    target = tmp_path / "cache" / "baci.zip"
    with server.client() as client:
        result = download(
            client,
            "https://example.org/baci.zip",
            target,
            sha256=DIGEST,
            sleep=lambda s: None,
            progress=lambda done, total: seen.append((done, total)),
        )
    assert target.read_bytes() == DATA
    assert result.resumed
    assert result.sha256 == DIGEST
    first_part = len(DATA) // 3
    assert server.requests[1].headers["Range"] == f"bytes={first_part}-"
    assert result.fetched == len(DATA)  # each byte fetched once
    assert seen[-1] == (len(DATA), len(DATA))
    assert not (tmp_path / "cache" / "baci.zip.part").exists()


def test_an_interrupted_download_keeps_its_part_and_the_next_run_fetches_only_the_rest(tmp_path):
    target = tmp_path / "file.csv"
    with FileServer(breaks=1).client() as client, pytest.raises(HttpError, match="resumes"):
        download(client, "https://example.org/file.csv", target, retries=0)
    part = tmp_path / "file.csv.part"
    assert not target.exists()
    assert part.stat().st_size == len(DATA) // 3
    server = FileServer()
    with server.client() as client:
        result = download(client, "https://example.org/file.csv", target, sha256=DIGEST)
    assert result.fetched == len(DATA) - len(DATA) // 3
    assert target.read_bytes() == DATA
    with server.client() as client:  # complete and checked: nothing is fetched
        again = download(client, "https://example.org/file.csv", target, sha256=DIGEST)
    assert again.fetched == 0
    assert len(server.requests) == 1


def test_a_server_that_ignores_ranges_sends_the_whole_file_again(tmp_path):
    server = FileServer(breaks=1, ranges=False)
    target = tmp_path / "f.bin"
    with server.client() as client:
        result = download(client, "https://example.org/f", target, sleep=lambda s: None)
    assert target.read_bytes() == DATA
    assert not result.resumed


def test_a_checksum_mismatch_deletes_the_download_and_says_so(tmp_path):
    target = tmp_path / "f.bin"
    with FileServer().client() as client, pytest.raises(HttpError, match="checksum mismatch"):
        download(client, "https://example.org/f", target, sha256="0" * 64)
    assert not target.exists()
    assert not (tmp_path / "f.bin.part").exists()


def test_a_missing_file_is_an_error_naming_the_url(tmp_path):
    server = Recorder(httpx.Response(404, text="Not Found"))
    with server.client() as client, pytest.raises(HttpError, match=r"example.org/x.zip: HTTP 404"):
        download(client, "https://example.org/x.zip", tmp_path / "x.zip")
    assert list(tmp_path.iterdir()) == []
