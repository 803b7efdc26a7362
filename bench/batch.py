"""Benchmark a batch that survives faults: 200 pages, --jobs 2, a worker killed and the memory damaged.

    .venv/bin/python bench/batch.py [--pages 200] [--jobs 2] [--seed 7]

Pages: made from the seed page (its paragraphs sampled, reordered and numbered, so every page differs and
many sentences repeat across pages, as in a real archive: the memory gets hits), plus three pages made
bad on purpose (empty, binary, no Chinese). Formats json,docx. Each run starts from an empty output folder.

Runs, all through the real console script:
  anchor   --jobs N, no fault (the best configuration: as many workers as cores)
  faults   --jobs N, the memory file overwritten with garbage after its header, then one worker killed
           with SIGKILL (its replacement opens the damaged memory), each at a random moment of the run
  sigterm  --jobs N, SIGTERM to the parent alone at a random moment (as cron, CI or `kill PID` would)

Printed: pages/s of each run and faults/anchor; pages failed in the faults run (must be exactly the
pages made bad on purpose); peak RSS of the whole process tree (parent, forkserver, workers, resource
tracker), sampled every 50 ms; after SIGTERM: the report's finished flag and totals, temporary files
left, and processes left running (must be 0).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "hengyang-evening-news-2023-08-19.txt"
BILINGUAL = Path(sys.executable).parent / "bilingual"
BAD = {"bad-empty.txt": b"", "bad-binary.txt": bytes(range(256)) * 64,
       "bad-english.txt": b"City News\n\nCitizens walked in the park. The weather was fine.\n"}


def varied_pages(folder: Path, count: int, rng: random.Random) -> None:
    """Pages varied from the seed: its heads, then its paragraphs sampled, reordered, some numbered."""
    lines = [line for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    head, body = lines[:3], lines[3:]
    folder.mkdir(parents=True)
    for i in range(count):
        chosen = rng.sample(body, k=min(len(body), rng.randint(8, 20)))
        numbered = [line.replace("。", f"（{i}号）。", 1) if rng.random() < 0.3 else line for line in chosen]
        (folder / f"page-{i:03d}.txt").write_text("\n\n".join(head + numbered) + "\n", encoding="utf-8")


def make_pages(folder: Path, count: int, rng: random.Random) -> None:
    """``varied_pages`` and the pages made bad on purpose."""
    varied_pages(folder, count, rng)
    for name, data in BAD.items():
        (folder / name).write_bytes(data)


# --- the process tree, from /proc ------------------------------------------------------------------


def _children() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    return children


def tree(pid: int) -> list[int]:
    children, found, stack = _children(), [], [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    return found


def rss_mb(pids) -> float:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/statm") as f:
                total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except OSError:
            pass
    return total / 1e6


def running(pids) -> list[int]:
    alive = []
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", encoding="utf-8", errors="replace") as f:
                if f.read().rsplit(")", 1)[1].split()[0] != "Z":
                    alive.append(pid)
        except OSError:
            pass
    return alive


def workers(pid: int) -> list[int]:
    """Batch workers: children of the forkserver (a child of the parent), not the resource tracker."""
    direct = set(_children().get(pid, []))
    found = []
    for child in tree(pid):
        if child in direct:
            continue
        try:
            with open(f"/proc/{child}/cmdline", "rb") as f:
                if b"resource_tracker" in f.read():
                    continue
        except OSError:
            continue
        found.append(child)
    return found


class Watch:
    """Samples the process tree below (and with) ``pid``: peak RSS, every pid seen."""

    def __init__(self, pid: int):
        self.pid, self.peak, self.seen = pid, 0.0, set()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        while not self.stop.is_set():
            pids = [self.pid, *tree(self.pid)]
            self.seen.update(pids[1:])
            self.peak = max(self.peak, rss_mb(pids))
            time.sleep(0.05)

    def close(self) -> None:
        self.stop.set()
        self.thread.join()


# --- runs ------------------------------------------------------------------------------------------


def finished(out: Path) -> int:
    return sum(1 for _ in out.glob("*/*.json"))


def start(pages: Path, out: Path, jobs: int) -> subprocess.Popen:
    return subprocess.Popen([str(BILINGUAL), "translate", str(pages), "--out", str(out), "--engine", "gloss",
                             "--format", "json,docx", "--jobs", str(jobs)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def run(pages: Path, out: Path, jobs: int, total: int, rng: random.Random, faults: bool = False) -> dict:
    started = time.monotonic()
    proc = start(pages, out, jobs)
    watch = Watch(proc.pid)
    stderr_lines: list[str] = []
    reader = threading.Thread(target=lambda: stderr_lines.extend(proc.stderr), daemon=True)
    reader.start()
    events = []
    if faults:
        # The memory is damaged first, the worker killed later: its replacement opens the damaged memory.
        damage_at = rng.randint(total // 10, total * 2 // 5)
        kill_at = rng.randint(damage_at + 1, total * 7 // 10)
        killed = damaged = False
        while proc.poll() is None and not (killed and damaged):
            done = finished(out)
            if not killed and done >= kill_at:
                found = workers(proc.pid)
                if found:
                    os.kill(found[0], signal.SIGKILL)
                    events.append(f"worker {found[0]} killed after {done} pages")
                    killed = True
            if not damaged and done >= damage_at:
                memory = out / ".bilingual" / "memory.sqlite3"
                sizes = []
                # The database and its write-ahead log (where recent pages live) both, their headers kept.
                for path, header in ((memory, 100), (memory.with_name(memory.name + "-wal"), 32)):
                    if path.exists():
                        size = path.stat().st_size
                        with open(path, "r+b") as f:
                            f.seek(header)
                            f.write(os.urandom(max(4096, size) - header))
                        sizes.append(f"{path.name} {size} bytes")
                events.append(f"memory damaged after {done} pages ({', '.join(sizes)})")
                damaged = True
            time.sleep(0.02)
    proc.wait()
    seconds = time.monotonic() - started
    watch.close()
    reader.join(timeout=5)
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    failed = sorted(Path(p["source"]).name for p in report["pages"] if p["status"] == "failed")
    return {"seconds": seconds, "pages_per_s": total / seconds, "peak_mb": watch.peak, "failed": failed,
            "report": report, "events": events, "warnings": [w for w in stderr_lines if "warning" in w]}


def sigterm_run(pages: Path, out: Path, jobs: int, total: int, rng: random.Random) -> dict:
    proc = start(pages, out, jobs)
    watch = Watch(proc.pid)
    at = rng.randint(total // 10, total // 2)
    while finished(out) < at and proc.poll() is None:
        time.sleep(0.02)
    time.sleep(rng.uniform(0, 0.5))
    seen_before = set(watch.seen) | set(tree(proc.pid))
    os.kill(proc.pid, signal.SIGTERM)
    proc.communicate(timeout=120)
    watch.close()
    deadline = time.monotonic() + 5
    while running(seen_before) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = running(seen_before)
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return {"after": at, "exit": proc.returncode, "processes_seen": len(seen_before), "left": left,
            "finished": report["finished"], "totals": report["totals"],
            "parts": [str(p) for p in out.rglob("*.part")]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    try:
        pages = work / "pages"
        make_pages(pages, args.pages, rng)
        total = args.pages + len(BAD)
        print(f"{args.pages} pages + {len(BAD)} bad on purpose, --jobs {args.jobs}, formats json,docx, gloss engine")

        anchor = run(pages, work / "anchor", args.jobs, total, rng)
        print(f"anchor : {anchor['seconds']:6.1f} s  {anchor['pages_per_s']:5.2f} pages/s  "
              f"peak RSS {anchor['peak_mb']:.0f} MB  failed {anchor['failed']}")
        faults = run(pages, work / "faults", args.jobs, total, rng, faults=True)
        print(f"faults : {faults['seconds']:6.1f} s  {faults['pages_per_s']:5.2f} pages/s  "
              f"peak RSS {faults['peak_mb']:.0f} MB  failed {faults['failed']}")
        for event in faults["events"]:
            print(f"         {event}")
        for warning in faults["warnings"]:
            print(f"         {warning.strip()}")
        print(f"faults/anchor pages/s: {faults['pages_per_s'] / anchor['pages_per_s']:.2f}")
        only_bad = faults["failed"] == sorted(BAD)
        print(f"pages failed in the faults run: {len(faults['failed'])} (only the {len(BAD)} bad on purpose: "
              f"{'yes' if only_bad else 'NO'})")
        print(f"peak RSS of the process tree: {max(anchor['peak_mb'], faults['peak_mb']):.0f} MB")

        term = sigterm_run(pages, work / "sigterm", args.jobs, total, rng)
        print(f"SIGTERM of the parent after {term['after']} pages: exit {term['exit']}, report finished "
              f"{term['finished']}, totals {term['totals']}, .part files left {len(term['parts'])}")
        print(f"processes left after SIGTERM of the parent: {len(term['left'])} (of {term['processes_seen']} seen)")
        ok = only_bad and not term["left"] and not term["parts"] and term["finished"] is False
        return 0 if ok else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
