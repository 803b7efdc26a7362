"""Post-editing in the browser: a reviewer's English saved sentence by sentence, the edition's files
regenerated in the background.

Saving goes through ``Pipeline.edit_segment`` (a person's English, kept in the project's memory with
its history; a save whose starting English is no longer the segment's is refused, so two tabs never
lose each other's work). Saves run one at a time on one thread (SQLite connections stay in their
thread, and an edition's JSON is never written by two saves at once); regenerating the PDF, DOCX,
HTML, TMX, XLIFF and report runs on another thread, so a save returns at once. Several saves in a
row are regenerated once.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Config
from ..model import Edition, Segment
from ..pipeline import Pipeline, read_edition_json
from ..write import WRITERS, output_path

log = logging.getLogger("bilingual.web")
SAVE_TIMEOUT_S = 60


@dataclass
class Regeneration:
    """Where an edition's files stand after edits: ``version`` counts saves, ``ready`` the last one written out."""

    version: int = 0
    ready: int = 0
    running: bool = False
    error: str | None = None

    @property
    def state(self) -> str:
        if self.error:
            return "failed"
        return "ready" if self.ready >= self.version else "regenerating"

    def to_dict(self) -> dict:
        return {"state": self.state, "version": self.version, "ready": self.ready, "error": self.error}


@dataclass
class Review:
    """The editor's server side for one output folder."""

    config: Config
    locks: dict[str, threading.Lock] = field(default_factory=dict)
    regenerations: dict[str, Regeneration] = field(default_factory=dict)

    def __post_init__(self):
        self._guard = threading.Lock()
        self._saves = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bilingual-save")
        self._writes = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bilingual-regenerate")
        self._pipeline: Pipeline | None = None  # used on the save thread only

    def lock(self, stem: str) -> threading.Lock:
        """The lock every writer of this edition's JSON holds (saves, regeneration, retranslation)."""
        with self._guard:
            return self.locks.setdefault(stem, threading.Lock())

    # -- saving -------------------------------------------------------------------------------

    def save(self, stem: str, segment_id: str, en: str, base: str | None, status: str, by: str | None
             ) -> tuple[Edition, Segment, Regeneration]:
        """Save one segment's English (BilingualError for a refused edit); schedule the files' regeneration."""
        future = self._saves.submit(self._save, stem, segment_id, en, base, status, by)
        edition, seg = future.result(timeout=SAVE_TIMEOUT_S)
        return edition, seg, self.schedule(stem)

    def _save(self, stem, segment_id, en, base, status, by):
        if self._pipeline is None:
            self._pipeline = Pipeline(self.config)
        self._pipeline.refresh_glossary()  # glossary edits made on the web page count at once
        with self.lock(stem):
            return self._pipeline.edit_segment(stem, segment_id, en, base, status, by)

    # -- regenerating -------------------------------------------------------------------------

    def schedule(self, stem: str) -> Regeneration:
        with self._guard:
            regen = self.regenerations.setdefault(stem, Regeneration())
            regen.version += 1
            regen.error = None
            if not regen.running:
                regen.running = True
                self._writes.submit(self._regenerate, stem)
            return Regeneration(regen.version, regen.ready, regen.running, regen.error)

    def _regenerate(self, stem: str) -> None:
        pipeline = Pipeline(self.config)
        while True:
            with self._guard:
                regen = self.regenerations[stem]
                target = regen.version
            try:
                with self.lock(stem):
                    edition = read_edition_json(output_path(self.config.out_dir, stem, "json"))
                # Every file of the edition but its JSON, which only saves write (a slower regeneration must
                # never put back an older JSON over a newer save).
                present = tuple(f for f in WRITERS if f != "json"
                                and output_path(self.config.out_dir, stem, f).exists())
                if present:
                    pipeline.write(edition, formats=present, only=True)
                error = None
            except Exception as e:  # logged for the operator; the page shows one line
                log.exception("regenerating %s failed", stem)
                error = f"the files could not be regenerated: {type(e).__name__}"
            with self._guard:
                regen.ready = target if error is None else regen.ready
                regen.error = error
                if error is not None or regen.version == target:
                    regen.running = False
                    return

    def status(self, stem: str) -> Regeneration:
        with self._guard:
            regen = self.regenerations.get(stem) or Regeneration()
            return Regeneration(regen.version, regen.ready, regen.running, regen.error)

    def shutdown(self) -> None:
        self._saves.shutdown(wait=False, cancel_futures=True)
        self._writes.shutdown(wait=False, cancel_futures=True)


# --- what the review page shows ------------------------------------------------------------------------


def segment_view(seg: Segment, part: str, names: list[dict]) -> dict:
    return {
        "id": seg.id,
        "part": part,
        "zh": seg.zh,
        "en": seg.en or "",
        "status": seg.status or "draft",
        "origin": _origin_label(seg),
        "flags": list(seg.flags),
        "terms": list({(t.zh, t.en): {"zh": t.zh, "en": t.en, "status": t.status, "type": t.type}
                       for t in seg.terms}.values()),
        "names": [n for n in names if n.get("zh") and n["zh"] in seg.zh],
        "suggestions": [{"en": s.en, "zh": s.zh, "score": round(s.score * 100), "memory": s.memory}
                        for s in seg.suggestions],
    }


def _origin_label(seg: Segment) -> str:
    o = seg.origin
    if o is None:
        return "none"
    if o.origin == "engine":
        return f"machine ({o.engine})"
    if o.origin == "memory":
        return f"memory ({o.memory})"
    who = f", {o.by}" if o.by else ""
    return f"{o.status} ({o.how}{who})"


def review_view(edition: Edition) -> dict:
    articles = []
    total = reviewed = 0
    for article in edition.articles:
        rows = [segment_view(seg, part, edition.names) for part, seg in article.heads() if seg.zh]
        rows += [segment_view(seg, "body", edition.names) for seg in article.body_segments() if seg.zh]
        total += len(rows)
        reviewed += sum(1 for r in rows if r["status"] in ("translated", "approved"))
        articles.append({"id": article.id, "headline": article.headline.zh, "rows": rows})
    return {"articles": articles, "total": total, "reviewed": reviewed}


def counts(edition: Edition) -> dict:
    view = review_view(edition)
    return {"reviewed": view["reviewed"], "total": view["total"]}


def glossary_is_newer(edition: Edition, current_version: str | None) -> bool:
    made_with = edition.signature.glossary if edition.signature is not None else ""
    return bool(made_with and current_version and made_with != current_version)


def edition_json_path(out_dir: Path, stem: str) -> Path:
    return output_path(out_dir, stem, "json")
