"""Imported by the batch's fork server before it forks any worker, so every worker starts warm.

Without it, each worker loads the same read-only tables itself before its first page: jieba's dictionary
and word tags, CC-CEDICT, the gloss engine's tokenizer, OpenCC's tables, and for a batch that writes a PDF
WeasyPrint and the page-number font (``warm_pdf``, preloaded after this module only then): about 2 s of CPU a
worker, and again for each worker that replaces one that died. Loaded once here, the workers share them
(copy-on-write) and a replacement worker is ready at once.

Only pure-Python tables and imports are loaded: nothing that starts a thread (forking a threaded process
can deadlock), no model (a CTranslate2 translator's threads do not survive a fork), no file written.
Whatever fails here is left for the worker to load, and to report, itself.
"""

from __future__ import annotations

import gc


def warm() -> None:
    try:
        from ..engines.gloss.engine import GlossEngine
        from ..zh import words
        from ..zh.script import converter

        words.word_tags()
        GlossEngine().translate_batch(["衡阳市委书记在会上讲话。"])  # CC-CEDICT and the engine's tokenizer
        for profile in ("t2s", "s2t"):
            converter(profile).convert("衡陽晚報")
        from .. import pipeline  # noqa: F401  (the readers, stages and writers a worker imports)
    except Exception:  # noqa: BLE001 - a worker loads what it needs itself, and says what went wrong
        pass


def freeze() -> None:
    """What the fork server holds now is kept out of the collector's reach in every worker (``gc.freeze``, as
    Python's documentation advises before a fork): a worker's full collections do not walk the shared tables
    again, nor write to their pages (which copy-on-write would then copy)."""
    gc.collect()
    gc.freeze()


warm()
freeze()
