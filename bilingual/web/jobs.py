"""Upload jobs: pages uploaded on the web page, translated one at a time in a background thread
through one ``Pipeline`` (engine and glossary loaded once)."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Config
from ..errors import BilingualError
from ..pipeline import Pipeline
from .files import safe_stem
from .review import Review

UPLOADS_DIR = ".uploads"  # under the output folder; hidden, never listed or served

log = logging.getLogger("bilingual.web")


@dataclass
class Job:
    id: str
    filename: str
    stem: str
    state: str = "queued"  # queued | translating | done | failed
    progress: float = 0.0
    message: str = ""
    started: float = field(default_factory=time.time)
    kind: str = "upload"  # upload | retranslate


class UploadQueue:
    """Translates uploaded pages (and retranslates editions) one at a time in a background thread, with one
    pipeline loaded on first use; glossary edits reach the next job at once."""

    def __init__(self, config: Config, review: Review | None = None):
        self.config = config
        self.review = review
        self.out_dir = Path(config.out_dir)
        self.jobs: dict[str, Job] = {}
        self.lock = threading.Lock()
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bilingual-upload")
        self.pipeline: Pipeline | None = None

    def submit(self, filename: str, data: bytes) -> Job:
        with self.lock:
            stem = self._free_stem(safe_stem(filename))
            job = Job(id=uuid.uuid4().hex, filename=Path(filename).name, stem=stem)
            self.jobs[job.id] = job
        folder = self.out_dir / UPLOADS_DIR / job.id
        folder.mkdir(parents=True, exist_ok=True)
        source = folder / f"{stem}{Path(filename).suffix.lower()}"
        source.write_bytes(data)
        self.executor.submit(self._run, job, source)
        return job

    def _free_stem(self, stem: str) -> str:
        taken = {j.stem for j in self.jobs.values()}
        candidate, n = stem, 2
        while candidate in taken or (self.out_dir / candidate).exists():
            candidate, n = f"{stem}-{n}", n + 1
        return candidate

    def retranslate(self, stem: str) -> Job:
        """Translate an edition's machine sentences again with the current glossary; a person's English stays."""
        with self.lock:
            job = Job(id=uuid.uuid4().hex, filename=stem, stem=stem, kind="retranslate")
            self.jobs[job.id] = job
        self.executor.submit(self._retranslate, job)
        return job

    def _ready(self, job: Job) -> Pipeline:
        job.state, job.progress, job.message = "translating", 0.1, "loading the engine"
        if self.pipeline is None:
            self.pipeline = Pipeline(self.config).load()
        self.pipeline.refresh_glossary()  # a glossary edited on the web page applies to this job
        job.progress, job.message = 0.3, "translating"
        return self.pipeline

    def _retranslate(self, job: Job) -> None:
        try:
            pipeline = self._ready(job)
            lock = self.review.lock(job.stem) if self.review is not None else threading.Lock()
            with lock:
                edition = pipeline.previous_edition(job.stem)
                if edition is None:
                    raise BilingualError("the edition has no readable JSON")
                edition = pipeline.retranslate(edition)
                pipeline.write(edition)
        except BilingualError as e:
            job.state, job.message = "failed", e.message
            return
        except Exception:
            log.exception("retranslating %s failed", job.stem)
            job.state, job.message = "failed", "internal error"
            return
        human = sum(1 for s in edition.segments() if s.is_human)
        job.state, job.progress = "done", 1.0
        job.message = f"machine sentences translated again; {human} sentences of a person's English kept"

    def _run(self, job: Job, source: Path) -> None:
        try:
            result = self._ready(job).translate_page(source, force=True)
        except BilingualError as e:
            job.state, job.message = "failed", _public_error(str(e), source, job.filename)
            return
        except Exception:  # logged for the operator; the user sees one generic line
            log.exception("upload %s failed", job.id)
            job.state, job.message = "failed", "internal error"
            return
        if result.status == "failed":
            job.state, job.message = "failed", _public_error(result.error or "failed", source, job.filename)
        else:
            job.state, job.progress = "done", 1.0
            job.message = f"{result.articles} articles, {result.segments} segments"

    def shutdown(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)


def _public_error(message: str, source: Path, filename: str) -> str:
    # The server's own paths are nobody's business: name the file as the user sent it.
    return message.replace(str(source), filename).replace(str(source.parent), "")
