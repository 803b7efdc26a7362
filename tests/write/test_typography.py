"""Print typography on the way out (bilingual.write.typography) and the print measures (bilingual.write.measure)."""

from __future__ import annotations

from datetime import date

import pytest

from bilingual.model import Edition
from bilingual.write.common import document_title, masthead_dates, paper_names, running_head
from bilingual.write.measure import MAX_ZH_SHARE, MIN_ZH_SHARE, measures
from bilingual.write.typography import (
    WORD_JOINER,
    chinese_date,
    english_date,
    english_typography,
    keep_last_characters,
    keep_last_words,
)


@pytest.mark.parametrize("raw,printed", [
    ('He said "we will "build" it" and left.', "He said \u201cwe will \u2018build\u2019 it\u201d and left."),
    ('He said: "She told me \'no\' twice"', "He said: \u201cShe told me \u2018no\u2019 twice\u201d"),
    ('keep "the big picture" "sacrifice the family"', "keep \u201cthe big picture\u201d \u201csacrifice the family\u201d"),
    ("\u201csee the \u201cbig\u201d picture\u201d", "\u201csee the \u2018big\u2019 picture\u201d"),
    ("Hengyang's team and the 1990s' boom", "Hengyang\u2019s team and the 1990s\u2019 boom"),
    ("the '90s and 'rock'", "the \u201990s and \u2018rock\u2019"),
    ("On August 17-18 and 2020\u20142023, 8 - 10", "On August 17\u201318 and 2020\u20132023, 8 - 10"),
    ("Dated 2023-08-19, COVID-19, tel 0734-8888888", "Dated 2023-08-19, COVID-19, tel 0734-8888888"),
    ("One sentence.  Two  spaces , and ( loose ) ones.", "One sentence. Two spaces, and (loose) ones."),
    ('an "unclosed quote', "an \u201cunclosed quote"),
    ("", ""),
])
def test_english_typography(raw, printed):
    assert english_typography(raw) == printed


def test_english_typography_of_none_and_idempotence():
    assert english_typography(None) == ""
    once = english_typography('He said "we will "build" it" on August 17-18.')
    assert english_typography(once) == once


def test_last_line_keepers():
    assert keep_last_characters("共同把衡阳人民的第二故乡建设得更加美好。") == f"共同把衡阳人民的第二故乡建设得更加美{WORD_JOINER}好。"
    assert keep_last_characters("其中专业技术人才18名。") == f"其中专业技术人才18{WORD_JOINER}名。"
    assert keep_last_characters("好") == "好" and keep_last_characters("Hello") == "Hello"
    assert keep_last_words("Zhu Jian met Mei Shuaiyuan") == "Zhu Jian met Mei\u00a0Shuaiyuan"
    assert keep_last_words("development linkage extraordinarily") == "development linkage extraordinarily"


def test_dates_in_both_conventions():
    day = date(2023, 8, 19)
    assert english_date(day) == "Saturday, 19 August 2023" and english_date(day, weekday=False) == "19 August 2023"
    assert chinese_date(day) == "2023年8月19日 星期六" and chinese_date(date(2023, 8, 20)) == "2023年8月20日 星期日"


def test_furniture_follows_the_layout():
    edition = Edition(source="p.txt", encoding="utf-8", paper="衡阳晚报", paper_en="Hengyang Evening News",
                      date="2023-08-19")
    assert paper_names(edition, "side-by-side") == ("衡阳晚报", "Hengyang Evening News")
    assert paper_names(edition, "english") == (None, "Hengyang Evening News")
    assert masthead_dates(edition, "interleaved") == ("Saturday, 19 August 2023", "2023年8月19日 星期六")
    assert masthead_dates(edition, "english") == ("Saturday, 19 August 2023", None)
    assert running_head(edition, "side-by-side") == "衡阳晚报 · Hengyang Evening News · 19 August 2023 · 2023年8月19日"
    assert running_head(edition, "english") == "Hengyang Evening News · 19 August 2023"
    assert document_title(edition, "english") == "Hengyang Evening News, 19 August 2023"
    edition.paper_en = None  # a paper the glossary does not name: its Chinese name even in English
    assert paper_names(edition, "english") == ("衡阳晚报", None)
    assert document_title(Edition(source="dir/page-3.txt", encoding="utf-8"), "english") == "page-3"


def test_side_by_side_columns_follow_the_english_length(make_edition):
    short, long = make_edition(), make_edition()
    for seg in (s for a in long.articles for s in a.body_segments()):
        seg.en = seg.en * 2  # a wordier translation wants a wider English column
    a, b = measures(short, "side-by-side", "A4"), measures(long, "side-by-side", "A4")
    assert b.zh_chars < a.zh_chars
    for m in (a, b):
        assert m.zh_width == m.zh_chars * m.zh_size  # the Chinese column is a whole number of characters
        assert abs(m.zh_width + m.gutter + m.en_width - m.text_width) < 1e-6
        assert MIN_ZH_SHARE - 0.03 <= m.zh_width / (m.text_width - m.gutter) <= MAX_ZH_SHARE + 0.03
    two = measures(short, "interleaved", "Letter")
    assert two.columns == 2 and two.zh_width == two.zh_chars * two.zh_size
    assert abs(2 * two.zh_width + two.gutter - two.text_width) < 1e-6 and two.gutter >= 14
