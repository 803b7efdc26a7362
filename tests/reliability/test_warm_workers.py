"""Batch workers start warm: the fork server loads the shared read-only tables once (``bilingual.batch.warm``)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("formats,pdf", [(None, True), (("json", "xliff"), False)])
def test_a_batch_worker_starts_with_the_tables_the_fork_server_loaded(tmp_path, formats, pdf):
    """WeasyPrint and the page-number font too when the batch writes a PDF (the default formats), not otherwise."""
    # A fresh process: the fork server is one per process, and its preload applies only when it starts.
    page = tmp_path / "page.txt"
    page.write_text("衡阳市委书记在会上讲话。\n", encoding="utf-8")
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(TESTS)!r})
        from pathlib import Path
        from bilingual.batch.pool import PagePool
        from bilingual.config import Config
        from helpers import report_warmth
        results = []
        PagePool(Config(out_dir=Path({str(tmp_path / "out")!r}), formats={formats!r}), jobs=1, work=report_warmth).run(
            [Path({str(page)!r})], False, results.append)
        print(results[0].error)
        import bilingual.zh.words as words
        print(words.dictionary.cache_info().currsize)
    """)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    facts, parent_loaded_jieba = run.stdout.splitlines()
    assert json.loads(facts) == {"jieba": True, "word tags": True, "gloss tokenizer": True, "weasyprint": pdf,
                                 "page-number font": pdf, "frozen": True}  # out of the collector's reach
    assert parent_loaded_jieba == "0"  # loaded in the fork server, not in the parent that hands out pages
