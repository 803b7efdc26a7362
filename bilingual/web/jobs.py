"""Upload jobs: pages uploaded on the web page (and editions to retranslate), translated one at a time in a
background thread through one ``Pipeline`` (engine and glossary loaded once).

Jobs are kept in the output folder (``.bilingual/jobs.json``, written atomically at every change of state),
so they outlive the server: a job that was queued or running when the server stopped is queued again when
it starts. Each job says where it is: its place in the queue, then sentences translated of the total.
A queued job can be cancelled at once, a running one at its next batch of sentences; a failed or
cancelled one can be tried again. An upload's source is kept under ``.uploads/<job id>/`` (hidden, never
served) only until it is translated; a failed one's is removed after a week.
"""

from __future__ import annotations

import json
import logging
import shutil
import threading
import time
import uuid
from collections import deque
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from ..config import Config
from ..engines import Engine, load_engine
from ..errors import BilingualError
from ..files import write_json_atomic
from ..pipeline import Pipeline
from .files import safe_stem
from .review import Review

UPLOADS_DIR = ".uploads"  # under the output folder; hidden, never listed or served
JOBS_FILE = Path(".bilingual") / "jobs.json"
KEEP_FAILED_SOURCES_S = 7 * 24 * 3600
KEEP_JOBS = 500  # finished jobs remembered (the library shows an upload's file name and time from them)
BATCH = 32  # sentences decoded between two progress reports (and cancellation checks)
ACTIVE = ("queued", "translating")

log = logging.getLogger("bilingual.web")


@dataclass
class Job:
    id: str
    filename: str  # as the user uploaded it (or the edition's stem, for a retranslation)
    stem: str
    kind: str = "upload"  # upload | retranslate
    state: str = "queued"  # queued | translating | done | failed | cancelled
    message: str = ""
    created: float = field(default_factory=time.time)
    finished: float | None = None
    suffix: str = ""  # the upload's suffix (.txt, .docx ...)
    done: int = 0  # sentences translated so far
    total: int = 0  # sentences to translate (known once the page is read)
    cancel: bool = False  # asked to stop

    @property
    def progress(self) -> float:
        if self.state == "done":
            return 1.0
        if self.state != "translating":
            return 0.0
        return 0.05 + 0.9 * (self.done / self.total) if self.total else 0.05

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "Job":
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})


class Cancelled(Exception):
    """The job was cancelled while it ran."""


class ProgressEngine:
    """An engine that reports the sentences it has translated to the running job, in batches of ``BATCH``,
    and stops at the next batch when the job is cancelled."""

    def __init__(self, engine: Engine, queue: "UploadQueue"):
        self._engine = engine
        self._queue = queue

    def __getattr__(self, name):  # name, signature(), placeholder(): the engine's own
        return getattr(self._engine, name)

    def translate_batch(self, sentences: list[str], num_hypotheses: int = 1):
        job = self._queue.current
        results = []
        if job is not None:
            job.total = max(job.total, job.done + len(sentences))
        for start in range(0, len(sentences), BATCH):
            if job is not None and (job.cancel or self._queue.stopping):
                raise Cancelled()
            results.extend(self._engine.translate_batch(sentences[start:start + BATCH], num_hypotheses=num_hypotheses))
            if job is not None:
                job.done += len(sentences[start:start + BATCH])
                self._queue.save(throttle=True)
        return results


class UploadQueue:
    """Translates uploaded pages (and retranslates editions) one at a time in a background thread, with one
    pipeline loaded on first use; glossary edits reach the next job at once."""

    def __init__(self, config: Config, review: Review | None = None):
        self.config = config
        self.review = review
        self.out_dir = Path(config.out_dir)
        self.jobs: dict[str, Job] = {}
        self.lock = threading.RLock()
        self.wake = threading.Condition(self.lock)
        self.waiting: deque[str] = deque()
        self.current: Job | None = None
        self.pipeline: Pipeline | None = None
        self._saved_at = 0.0
        self.stopping = False
        self._load()
        self.worker = threading.Thread(target=self._work, name="bilingual-upload", daemon=True)
        self.worker.start()

    # -- the queue ----------------------------------------------------------------------------

    def submit(self, filename: str, data: bytes) -> Job:
        """Keep the upload's bytes and queue it; the job is saved before this returns."""
        suffix = Path(filename).suffix.lower()
        with self.lock:
            stem = self._free_stem(safe_stem(filename))
            job = Job(id=uuid.uuid4().hex, filename=Path(filename.replace("\\", "/")).name, stem=stem, suffix=suffix)
            folder = self.out_dir / UPLOADS_DIR / job.id
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{stem}{suffix}").write_bytes(data)
            self._enqueue(job)
        return job

    def retranslate(self, stem: str) -> Job:
        """Translate an edition's machine sentences again with the current glossary; a person's English stays."""
        with self.lock:
            job = Job(id=uuid.uuid4().hex, filename=stem, stem=stem, kind="retranslate")
            self._enqueue(job)
        return job

    def cancel(self, job_id: str) -> Job | None:
        """Cancel a queued job at once, a running one at its next batch of sentences."""
        with self.lock:
            job = self.jobs.get(job_id)
            if job is None or job.state not in ACTIVE:
                return job
            job.cancel = True
            if job.state == "queued":
                if job.id in self.waiting:
                    self.waiting.remove(job.id)
                self._finish(job, "cancelled", "cancelled before it started")
            else:
                job.message = "cancelling…"
                self.save()
            return job

    def retry(self, job_id: str) -> Job | None:
        """Queue a failed or cancelled job again (an upload needs its kept source); BilingualError otherwise."""
        with self.lock:
            job = self.jobs.get(job_id)
            if job is None or job.state in ACTIVE or job.state == "done":
                return job
            if job.kind == "upload":
                source = self._source(job)
                if source is None:
                    raise BilingualError("the uploaded file is no longer kept; upload it again")
                stem = self._free_stem(job.stem, ignore=job.id)
                if stem != job.stem:
                    source.rename(source.with_name(f"{stem}{job.suffix}"))
                    job.stem = stem
            job.cancel, job.done, job.total, job.finished = False, 0, 0, None
            self._enqueue(job)
            return job

    def position(self, job: Job) -> int:
        """How many jobs will run before this queued one (the running one included); 0 when not queued."""
        with self.lock:
            if job.state != "queued" or job.id not in self.waiting:
                return 0
            return list(self.waiting).index(job.id) + (1 if self.current is not None else 0)

    def public(self, job: Job) -> dict:
        """What the page and the API show of a job."""
        with self.lock:
            body = {k: v for k, v in job.to_dict().items() if k != "cancel"}
            body["progress"] = round(job.progress, 3)
            body["position"] = self.position(job)
            body["retry"] = job.state in ("failed", "cancelled") and (job.kind != "upload"
                                                                      or self._source(job) is not None)
            body["cancellable"] = job.state in ACTIVE
            return body

    def uploaded(self) -> dict[str, Job]:
        """The latest finished upload of each edition stem (what file and when)."""
        with self.lock:
            found = {}
            for job in sorted(self.jobs.values(), key=lambda j: j.created):
                if job.kind == "upload" and job.state == "done":
                    found[job.stem] = job
            return found

    def active_stems(self) -> set[str]:
        with self.lock:
            return {j.stem for j in self.jobs.values() if j.state in ACTIVE}

    def _enqueue(self, job: Job) -> None:
        job.state, job.message = "queued", "waiting for its turn"
        self.jobs[job.id] = job
        self.waiting.append(job.id)
        self.save()
        self.wake.notify()

    def _free_stem(self, stem: str, ignore: str | None = None) -> str:
        # Only jobs still to run hold a name: a failed upload leaves its name free for the next one.
        taken = {j.stem for j in self.jobs.values() if j.state in ACTIVE and j.id != ignore}
        candidate, n = stem, 2
        while candidate in taken or (self.out_dir / candidate).exists():
            candidate, n = f"{stem}-{n}", n + 1
        return candidate

    def _source(self, job: Job) -> Path | None:
        path = self.out_dir / UPLOADS_DIR / job.id / f"{job.stem}{job.suffix}"
        return path if path.is_file() else None

    # -- running ------------------------------------------------------------------------------

    def _work(self) -> None:
        while True:
            with self.lock:
                while not self.waiting and not self.stopping:
                    self.wake.wait()
                if self.stopping:
                    return
                job = self.jobs.get(self.waiting.popleft())
                if job is None or job.state != "queued":
                    continue
                job.state, job.message = "translating", "loading the engine"
                self.current = job
                self.save()
            try:
                self._run(job)
            finally:
                with self.lock:
                    self.current = None

    def _ready(self) -> Pipeline:
        if self.pipeline is None:
            engine = ProgressEngine(load_engine(self.config.engine, self.config.data_dir), self)
            self.pipeline = Pipeline(self.config, engine=engine).load()
        self.pipeline.refresh_glossary()  # a glossary edited on the web page applies to this job
        return self.pipeline

    def _run(self, job: Job) -> None:
        try:
            pipeline = self._ready()
            job.message = "translating"
            self.save()
            if job.kind == "retranslate":
                state, message = self._retranslate(pipeline, job)
            else:
                state, message = self._translate(pipeline, job)
        except Cancelled:
            state, message = "cancelled", "cancelled; nothing was written"
        except BilingualError as e:
            state, message = "failed", e.message
        except Exception:  # logged for the operator; the user sees one generic line
            log.exception("job %s failed", job.id)
            state, message = "failed", "internal error"
        with self.lock:
            if self.stopping and not job.cancel and state != "done":  # the server stops: run it at the next start
                job.state, job.message, job.done, job.total = "queued", "stopped with the server; queued again", 0, 0
                self.save()
                return
            if job.cancel and state != "done":
                state, message = "cancelled", "cancelled; nothing was written"
            self._finish(job, state, message)

    def _translate(self, pipeline: Pipeline, job: Job) -> tuple[str, str]:
        source = self._source(job)
        if source is None:
            return "failed", "the uploaded file is no longer kept; upload it again"
        result = pipeline.translate_page(source, force=True, source_name=f"{job.stem}{job.suffix}")
        if result.status == "failed":
            return "failed", _public_error(result.error or "failed", source, job.filename)
        articles = f"{result.articles} article{'s' if result.articles != 1 else ''}"
        return "done", f"{articles}, {result.segments} segments"

    def _retranslate(self, pipeline: Pipeline, job: Job) -> tuple[str, str]:
        lock = self.review.lock(job.stem) if self.review is not None else threading.Lock()
        with lock:
            edition = pipeline.previous_edition(job.stem)
            if edition is None:
                return "failed", "the edition has no readable JSON"
            edition = pipeline.retranslate(edition)
            pipeline.write(edition)
        human = sum(1 for s in edition.segments() if s.is_human)
        return "done", f"machine sentences translated again; {human} sentences of a person's English kept"

    def _finish(self, job: Job, state: str, message: str) -> None:
        job.state, job.message, job.finished = state, message, time.time()
        if state == "done" and job.kind == "upload":
            self._remove_source(job)
        self.save()

    def _remove_source(self, job: Job) -> None:
        shutil.rmtree(self.out_dir / UPLOADS_DIR / job.id, ignore_errors=True)

    # -- kept in the output folder --------------------------------------------------------------

    def save(self, throttle: bool = False) -> None:
        """Write every job to ``.bilingual/jobs.json`` (at most once a second when ``throttle``)."""
        with self.lock:
            now = time.monotonic()
            if throttle and now - self._saved_at < 1.0:
                return
            self._saved_at = now
            finished = sorted((j for j in self.jobs.values() if j.state not in ACTIVE), key=lambda j: j.created)
            for old in finished[:-KEEP_JOBS] if len(finished) > KEEP_JOBS else []:
                del self.jobs[old.id]
            try:
                write_json_atomic(self.out_dir / JOBS_FILE, {"jobs": [j.to_dict() for j in self.jobs.values()]})
            except BilingualError as e:  # a read-only folder: the jobs still run, they are just not kept
                log.warning("jobs not saved: %s", e)

    def _load(self) -> None:
        """Jobs from an earlier run: the ones that were waiting or running are queued again."""
        path = self.out_dir / JOBS_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            jobs = [Job.from_dict(d) for d in data.get("jobs", []) if isinstance(d, dict)]
        except FileNotFoundError:
            jobs = []
        except (OSError, ValueError, TypeError, AttributeError) as e:
            log.warning("%s cannot be read (%s); starting without earlier jobs", path, e)
            jobs = []
        now = time.time()
        for job in sorted(jobs, key=lambda j: j.created):
            self.jobs[job.id] = job
            if job.state in ACTIVE:
                job.done, job.total, job.cancel = 0, 0, False
                if job.kind == "upload" and self._source(job) is None:
                    job.state, job.message, job.finished = "failed", "the uploaded file was lost in a restart", now
                    continue
                job.state, job.message = "queued", "queued again after the server restarted"
                self.waiting.append(job.id)
        self._clean_uploads(now)
        if jobs:
            self.save()

    def _clean_uploads(self, now: float) -> None:
        """Remove kept sources no job needs: of finished jobs, of failed ones older than a week, of unknown ids."""
        folder = self.out_dir / UPLOADS_DIR
        if not folder.is_dir():
            return
        for sub in folder.iterdir():
            job = self.jobs.get(sub.name)
            keep = job is not None and (job.state in ACTIVE or job.state in ("failed", "cancelled")
                                        and now - (job.finished or job.created) < KEEP_FAILED_SOURCES_S)
            if not keep:
                shutil.rmtree(sub, ignore_errors=True)

    def shutdown(self) -> None:
        """Stop after the running job's current batch of sentences; it is queued again at the next start."""
        with self.lock:
            self.stopping = True
            self.wake.notify_all()


def _public_error(message: str, source: Path, filename: str) -> str:
    # The server's own paths are nobody's business: name the file as the user sent it.
    return message.replace(str(source), filename).replace(str(source.parent) + "/", "").replace(
        str(source.parent), "")
