"""Load on the web server over loopback: N concurrent downloads and M concurrent uploads, zero errors expected.

    .venv/bin/python bench/serve.py [--downloads 50] [--uploads 5] [--out DIR]

Starts `bilingual serve` on a free 127.0.0.1 port (translating the seed page into DIR first if it holds no
edition), fires the requests with httpx's async client, waits for the uploads to be translated, and prints
p50/p95 latency per kind. Exit status 1 if any request failed.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
BILINGUAL = ROOT / ".venv" / "bin" / "bilingual"
SEED = ROOT / "seeds" / "hengyang-evening-news-2023-08-19.txt"
UPLOAD_PAGE = "衡阳晚报 市民公园散步\n\n衡阳市民在雁峰公园散步。天气很好，大家心情愉快。\n"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(out_dir: Path, timeout: float = 60) -> tuple[subprocess.Popen, str]:
    """`bilingual serve` on a free loopback port; returns the process and its base URL once it answers."""
    port = free_port()
    proc = subprocess.Popen([str(BILINGUAL), "serve", "--out", str(out_dir), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited: " + proc.stderr.read().decode(errors="replace"))
        try:
            if httpx.get(url + "/", timeout=2).status_code == 200:
                return proc, url
        except httpx.TransportError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"server did not answer on {url} within {timeout} s")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def run_load(url: str, stem: str, downloads: int, uploads: int, job_timeout: float = 300) -> dict:
    """Fire the requests concurrently; returns {"download": [s...], "upload": [s...], "errors": [...], ...}."""
    errors: list[str] = []
    latencies: dict[str, list[float]] = {"download": [], "upload": []}
    formats = ["pdf", "docx", "tmx", "xliff"]
    limits = httpx.Limits(max_connections=downloads + uploads + 5)

    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:
        async def download(i: int) -> None:
            fmt = formats[i % len(formats)]
            started = time.perf_counter()
            try:
                r = await client.get(f"/edition/{stem}/download/{fmt}")
                if r.status_code != 200 or not r.content:
                    errors.append(f"download {fmt}: HTTP {r.status_code}")
            except httpx.HTTPError as e:
                errors.append(f"download {fmt}: {type(e).__name__}")
            latencies["download"].append(time.perf_counter() - started)

        async def upload(i: int) -> str | None:
            async with httpx.AsyncClient(base_url=url, timeout=120) as own:  # own cookie jar: own session
                try:
                    await own.get("/upload")
                    token = own.cookies.get("bilingual_csrf")
                    started = time.perf_counter()
                    r = await own.post("/upload", params={"csrf": token},
                                       files={"page": (f"load-{i}.txt", UPLOAD_PAGE.encode(), "text/plain")},
                                       headers={"Origin": url, "Accept": "application/json"})
                    latencies["upload"].append(time.perf_counter() - started)
                    if r.status_code != 202:
                        errors.append(f"upload {i}: HTTP {r.status_code}")
                        return None
                    return r.json()["id"]
                except httpx.HTTPError as e:
                    errors.append(f"upload {i}: {type(e).__name__}")
                    return None

        started = time.perf_counter()
        results = await asyncio.gather(*[download(i) for i in range(downloads)],
                                       *[upload(i) for i in range(uploads)])
        job_ids = [j for j in results[downloads:] if j]
        requests_seconds = time.perf_counter() - started
        deadline = time.monotonic() + job_timeout
        pending = set(job_ids)
        while pending and time.monotonic() < deadline:
            for job_id in list(pending):
                status = (await client.get(f"/api/jobs/{job_id}")).json()
                if status["state"] == "failed":
                    errors.append(f"upload job {job_id}: {status['message']}")
                    pending.discard(job_id)
                elif status["state"] == "done":
                    pending.discard(job_id)
            await asyncio.sleep(0.3)
        errors.extend(f"upload job {j}: not finished in {job_timeout} s" for j in pending)
        return {**latencies, "errors": errors, "requests_seconds": requests_seconds,
                "uploads_seconds": time.perf_counter() - started}


def ensure_edition(out_dir: Path) -> str:
    if not (out_dir / SEED.stem / f"{SEED.stem}.json").is_file():
        subprocess.run([str(BILINGUAL), "translate", str(SEED), "--out", str(out_dir), "--engine", "gloss",
                        "--format", "json,docx,pdf,html,tmx,xliff"], check=True, capture_output=True)
    return SEED.stem


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--downloads", type=int, default=50)
    parser.add_argument("--uploads", type=int, default=5)
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: a temporary one)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp)
        stem = ensure_edition(out)
        proc, url = start_server(out)
        try:
            result = asyncio.run(run_load(url, stem, args.downloads, args.uploads))
        finally:
            stop_server(proc)
    for kind in ("download", "upload"):
        values = result[kind]
        if values:
            print(f"{kind}: {len(values)} requests, p50 {percentile(values, 0.5) * 1000:.0f} ms, "
                  f"p95 {percentile(values, 0.95) * 1000:.0f} ms, mean {statistics.mean(values) * 1000:.0f} ms")
    print(f"all requests answered in {result['requests_seconds']:.2f} s; "
          f"uploads translated after {result['uploads_seconds']:.1f} s")
    print(f"errors: {len(result['errors'])}" + ("".join(f"\n  {e}" for e in result["errors"][:10])))
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
