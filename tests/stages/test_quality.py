"""Quality flags: each check on cases that must and must not trip it."""

from __future__ import annotations

from collections import Counter

import pytest

from bilingual.model import Article, Edition, Paragraph, Segment, TermHit
from bilingual.signature import Signature
from bilingual.stages.quality import (
    flag_quality,
    flag_segment,
    has_repetition,
    numbers_match,
    source_numbers,
)


def flags(zh: str, en: str | None, score: float | None = None, terms=()) -> list[str]:
    return flag_segment(Segment(id="s", zh=zh, en=en, score=score, terms=list(terms)))


GOOD_ZH = "8月17日，市委书记刘越高率衡阳市党政代表团赴鄯善县。"
GOOD_EN = ("On August 17, Liu Yuegao, Secretary of the Hengyang Municipal Party Committee, "
           "led a Hengyang delegation to Shanshan County.")


def test_a_good_translation_has_no_flags():
    assert flags(GOOD_ZH, GOOD_EN, score=-0.4) == []


@pytest.mark.parametrize("zh,en,ok", [
    ("投资35万元", "invested 350,000 yuan", True),
    ("投资35万元", "invested 0.35 million yuan", True),
    ("投资2.5亿元", "invested 250 million yuan", True),
    ("投资2.5亿元", "invested 2.5 yuan", False),
    ("自1998年以来", "since 1998", True),
    ("自1998年以来", "since 1989", False),
    ("自1998年以来", "since then", False),
    ("8月17—18日", "On August 17-18", True),
    ("第十批援疆工作队员", "the 10th batch of aid workers", True),
    ("他说", "he said 42 times", False),
    ("共1,200人", "a total of 1,200 people", True),
])
def test_numbers(zh, en, ok):
    assert numbers_match(zh, en) is ok
    assert ("number-mismatch" in flags(zh, en)) is (not ok)


def test_source_numbers_apply_wan_and_yi():
    required, allowed = source_numbers("3万人，1.5亿元，十批")
    assert required == [30000.0, 150000000.0] and 10.0 in allowed


def test_untranslated():
    assert "untranslated" in flags("他说", "他说")
    assert "untranslated" in flags("他说", "He 说")
    assert "untranslated" in flags("他说", "")
    assert "untranslated" not in flags("他说", "He said.")


@pytest.mark.parametrize("en,loops", [
    ("the the the meeting", True),
    ("support and support and support and support", True),
    ("路路路路路路", True),
    ("He stressed that, he said, the work matters.", False),
    ("Wait... what?!", False),
])
def test_repetition(en, loops):
    assert has_repetition(en) is loops


def test_length_ratio():
    zh = "市委书记刘越高率衡阳市党政代表团赴新疆维吾尔自治区鄯善县"
    assert "length-ratio" in flags(zh, "Liu.")
    assert "length-ratio" in flags(zh, "word " * 100)
    assert "length-ratio" not in flags("本报讯", "By our reporter")  # short heads are not judged


def test_low_score_only_when_the_engine_gives_one():
    assert "low-score" in flags("他说", "He said.", score=-3.0)
    assert "low-score" not in flags("他说", "He said.", score=-0.3)
    assert "low-score" not in flags("他说", "He said.", score=None)


def test_missed_term_from_status_and_from_verification():
    missed = TermHit("刘越高", "Liu Yuegao", "person", 0, 3, status="missed")
    assert "missed-term" in flags("刘越高说", "Liu said", terms=[missed])
    found = TermHit("刘越高", "Liu Yuegao", "person", 0, 3)  # translated elsewhere: status still "found"
    seg = Segment(id="s", zh="刘越高说", en="Liu Yuegao said", terms=[found])
    assert flag_segment(seg) == [] and found.status == "verified"
    absent = TermHit("刘越高", "Liu Yuegao", "person", 0, 3)
    assert "missed-term" in flags("刘越高说", "Mr Liu said", terms=[absent]) and absent.status == "missed"


def test_flag_quality_over_an_edition_and_counts():
    segs = [Segment(id="a", zh="他说", en="他说"), Segment(id="b", zh=GOOD_ZH, en=GOOD_EN),
            Segment(id="c", zh="自1998年以来", en="since 1989", score=-2.0)]
    ed = Edition(source="x.txt", encoding="utf-8",
                 articles=[Article(id="a1", headline=Segment(id="h", zh="标题", en="Title"),
                                   paragraphs=[Paragraph(id="p", segments=segs)])])
    flag_quality(ed)
    assert Counter(f for s in ed.segments() for f in s.flags) == {"untranslated": 1, "number-mismatch": 1, "low-score": 1}
    flag_quality(ed)  # idempotent: flags are not doubled
    assert segs[0].flags == ["untranslated"]


def test_report_json_and_summary(tmp_path):
    import json

    from bilingual.config import WriteOptions
    from bilingual.write import WRITERS, output_path
    from bilingual.write.report import summarize_report

    missed = TermHit("刘越高", "Liu Yuegao", "person", 0, 3, status="missed", source="pinyin")
    segs = [Segment(id="a", zh="刘越高说", en="Liu said", terms=[missed], line=4),
            Segment(id="b", zh=GOOD_ZH, en=GOOD_EN, line=5)]
    ed = Edition(source="page.txt", encoding="utf-8", signature=Signature(engine="argos", model="m", version="1"),
                 names=[{"zh": "刘越高", "en": "Liu Yuegao"}],
                 articles=[Article(id="a1", headline=Segment(id="h", zh="标题", en="Title"),
                                   paragraphs=[Paragraph(id="p", segments=segs)])])
    flag_quality(ed)
    path = output_path(tmp_path, ed.stem, "report")
    assert WRITERS["report"].write(ed, path, WriteOptions()) == path and path == tmp_path / "page" / "report.json"
    report = json.loads(path.read_text(encoding="utf-8"))
    assert report["segments"] == 3 and report["segments_flagged"] == 1
    assert report["flags"]["missed-term"] == 1 and report["flags"]["repetition"] == 0
    assert report["terms"] == {"missed": 1}
    assert report["terms_missed"] == [{"zh": "刘越高", "en": "Liu Yuegao", "type": "person", "source": "pinyin",
                                       "segments": ["a"]}]
    assert report["flagged"][0]["line"] == 4 and report["signature"]["engine"] == "argos"
    summary = summarize_report(ed)
    assert summary.splitlines()[0] == "page: 3 segments, 1 flagged (argos m 1)"
    assert "missed-term 1" in summary and "刘越高 -> Liu Yuegao (x1)" in summary and "names to confirm" in summary


def test_flags_are_recomputed_when_the_english_changes():
    seg = Segment(id="s", zh="他说", en="他说", flags=["column-join"])
    flag_segment(seg)
    assert seg.flags == ["column-join", "untranslated"]
    seg.en = "He said."
    assert flag_segment(seg) == ["column-join"]
