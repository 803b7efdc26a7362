"""Property: whatever lines a page holds, the model keeps every character but whitespace
(and the doubled characters it reports dropping), in order; sources keep everything."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bilingual.read.page import Block, build_edition
from bilingual.read.punctuation import FULLWIDTH
from bilingual.stages.segment import segment_edition

LINE = st.text(alphabet=st.sampled_from(list("我们的会议机机常好中国报讯记者 。！？，,:;!?()（）“”《》…—3.5\u3000")),
               min_size=0, max_size=30)


def bare(text: str) -> str:
    return "".join(FULLWIDTH.get(ch, ch) for ch in text if not ch.isspace())


@given(st.lists(st.tuples(LINE, st.booleans()), min_size=1, max_size=12))
@example([("3", True), ("3", False), ("报讯", True)])  # one line between two headlines: taken once, not twice
@settings(max_examples=300, deadline=None)
def test_no_character_is_lost_or_invented(lines):
    blocks = [Block(text, n + 1, heading=heading) for n, (text, heading) in enumerate(lines)]
    if not any(b.text.strip() for b in blocks):
        return
    edition = segment_edition(build_edition(blocks, "page.txt", "utf-8"))
    model = ""
    for a in edition.articles:
        model += "".join(s.zh for s in (a.kicker, a.headline, a.subtitle, a.byline) if s is not None)
        model += "".join(s.zh for s in a.body_segments())
    page = bare("".join(text for text, _ in lines))
    dropped = sum(1 for w in edition.warnings if w.code == "doubled-char" and "dropped" in w.message)
    got = bare(model)
    assert len(got) == len(page) - dropped
    it = iter(page)
    assert all(ch in it for ch in got), "model text is not the page's text in order"
    sources = "".join((s.source if s.source is not None else s.zh) for s in edition.segments())
    assert re.sub(r"\s", "", sources) == re.sub(r"\s", "", "".join(text for text, _ in lines))
    for seg in edition.segments():  # each sentence's source is its own text, not a neighbour's
        zh, source = bare(seg.zh), bare(seg.source if seg.source is not None else seg.zh)
        it = iter(source)
        assert all(ch in it for ch in zh) and len(source) - len(zh) <= dropped, (seg.zh, seg.source)
    ids = [s.id for s in edition.segments()]
    assert len(ids) == len(set(ids))
