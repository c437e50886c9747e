"""A process killed in the middle of an import or a download (SIGKILL: no clean-up code
runs) leaves the store as it was, and the next run finishes the work without fetching
again what was complete."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import httpx
import pytest

from vinculo.evidence.http import download, new_client
from vinculo.evidence.sources.generic import import_file
from vinculo.evidence.store import EvidenceStore

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="uses SIGKILL")

ROWS = 3000


def _exports_csv(path: Path) -> Path:
    lines = ["year,country,product,classification,value_usd"]
    lines += [f"{2000 + i % 20},MEX,{i:04d},hs92,{i}" for i in range(ROWS)]
    path.write_text("\n".join(lines) + "\n")
    return path


def _run_until(script: str, marker: Path, timeout: float = 60) -> None:
    """Run ``script`` in a child process, SIGKILL it once it has written ``marker``."""
    child = subprocess.Popen([sys.executable, "-c", textwrap.dedent(script)])
    try:
        deadline = time.monotonic() + timeout
        while not marker.exists():
            if child.poll() is not None:
                raise AssertionError(f"the child ended (code {child.returncode}) before {marker}")
            if time.monotonic() > deadline:
                raise AssertionError("the child never reached the marker")
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL


def test_an_import_killed_midway_leaves_the_store_unchanged_and_runs_again(tmp_path):
    store_path = tmp_path / "evidence.duckdb"
    first = _exports_csv(tmp_path / "first.csv")
    with EvidenceStore(store_path) as store:
        import_file(store, "exports", first, vintage="v1")
    big = tmp_path / "second.csv"
    big.write_text(first.read_text().replace(",MEX,", ",FRA,"))
    marker = tmp_path / "two-batches-written"
    _run_until(
        f"""
        import time
        from vinculo.evidence import tables
        from vinculo.evidence.sources import generic
        from vinculo.evidence.store import EvidenceStore
        tables.BATCH_ROWS = 1000
        mapped = generic._map_rows
        seen = []
        def slow(preset, frame, source):
            seen.append(len(frame))
            if len(seen) == 3:  # two batches are in the open transaction
                open({str(marker)!r}, "w").close()
                time.sleep(600)
            return mapped(preset, frame, source)
        generic._map_rows = slow
        with EvidenceStore({str(store_path)!r}) as store:
            generic.import_file(store, "exports", {str(big)!r})
        """,
        marker,
    )
    with EvidenceStore(store_path) as store:
        datasets = store.datasets()
        assert datasets["file_name"].tolist() == ["first.csv"]
        counts = store.execute("SELECT country, count(*) AS n FROM exports GROUP BY country")
        assert counts.values.tolist() == [["MEX", ROWS]]
        again = import_file(store, "exports", big)
        assert (again.created, again.rows) == (True, ROWS)
        assert len(store.rows("exports")) == 2 * ROWS


DATA = os.urandom(1 << 20)


def test_a_download_killed_midway_resumes_from_the_bytes_on_disk(tmp_path):
    source = tmp_path / "origin.bin"
    source.write_bytes(DATA)
    target = tmp_path / "cache" / "file.bin"
    marker = tmp_path / "half-sent"
    _run_until(
        f"""
        import time
        from pathlib import Path
        import httpx
        from vinculo.evidence.http import download, new_client
        data = Path({str(source)!r}).read_bytes()

        class Stalls(httpx.SyncByteStream):
            def __iter__(self):
                yield data[: len(data) // 2]
                open({str(marker)!r}, "w").close()
                time.sleep(600)  # the connection hangs; the process is killed here

        def serve(request):
            return httpx.Response(200, headers={{"Content-Length": str(len(data))}},
                                  stream=Stalls())

        with new_client(transport=httpx.MockTransport(serve)) as client:
            download(client, "https://example.org/file.bin", {str(target)!r})
        """,
        marker,
    )
    part = target.with_name("file.bin.part")
    assert not target.exists()
    kept = part.stat().st_size
    assert 0 < kept <= len(DATA) // 2
    ranges: list[str] = []

    def serve(request: httpx.Request) -> httpx.Response:
        start = int(request.headers["Range"].removeprefix("bytes=").rstrip("-"))
        ranges.append(request.headers["Range"])
        return httpx.Response(
            206,
            headers={"Content-Range": f"bytes {start}-{len(DATA) - 1}/{len(DATA)}"},
            content=DATA[start:],
        )

    with new_client(transport=httpx.MockTransport(serve)) as client:
        result = download(
            client,
            "https://example.org/file.bin",
            target,
            sha256=hashlib.sha256(DATA).hexdigest(),
        )
    assert ranges == [f"bytes={kept}-"]
    assert result.fetched == len(DATA) - kept
    assert target.read_bytes() == DATA
