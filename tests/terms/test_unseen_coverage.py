"""Coverage of official terms on pages the glossary was not written for (tests/terms/data/unseen).

Each page is translated with the gloss engine through the pipeline. For every expected row
(zh, en, variants, kind) the English of every sentence that holds the zh must contain the en
or one of the variants, compared case-insensitively. A sentence holds the zh where it occurs
other than inside the zh of a longer expected row (外交部 inside 外交部长 is the minister, not
the ministry). A row whose zh spans sentences is checked on the English of those sentences.

The shares are printed per page and per kind (``pytest -s``) and must not fall below the floors
below. Measured: before the rules of issue 14, 357 of 612 rows (58%; datelines 0 of 13, persons 98
of 109, places 37 of 57, titles 47 of 97); with them, 427 (70%); with the second glossary pass
(discipline, economy, diplomacy, political system; written from official sources without these
pages), 501 (82%).
What still fails is mostly glossary wording or breadth (terms and slogans the glossary lacks or
words otherwise) and the gloss engine's word-by-word English, not the rules measured here.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bilingual.config import Config
from bilingual.pipeline import Pipeline

DATA = Path(__file__).resolve().parent / "data" / "unseen"
PAGES = sorted(DATA.glob("*.txt"))
# Rows that must come out right, per page and per kind (measured; raise them as rules improve).
PAGE_FLOORS = {
    "cppcc-daily-2025-01-23": 70, "economic-daily-2024-04-17": 57, "hunan-daily-2024-01-23": 61,
    "jiangxi-daily-2024-06-13": 58, "peoples-daily-2024-03-06": 68, "peoples-daily-2025-09-02": 66,
    "weifang-daily-2024-04-30": 71, "xinhua-daily-telegraph-2024-08-24": 50,
}
KIND_FLOORS = {"dateline": 13, "person": 108, "place": 53, "title": 78, "org": 69, "term": 162, "slogan": 18}


def expected_rows(page: Path) -> list[tuple[str, str, list[str], str]]:
    lines = page.with_name(page.stem + ".expected.tsv").read_text(encoding="utf-8").splitlines()[1:]
    rows = []
    for line in lines:
        zh, en, variants, kind = line.split("\t")
        rows.append((zh, en, [v for v in variants.split("|") if v], kind))
    return rows


def holds(text: str, zh: str, longer: list[str]) -> bool:
    """Whether ``zh`` occurs in ``text`` other than inside an occurrence of a longer expected zh."""
    covered: set[int] = set()
    for other in longer:
        at = text.find(other)
        while at >= 0:
            covered.update(range(at, at + len(other)))
            at = text.find(other, at + 1)
    at = text.find(zh)
    while at >= 0:
        if not set(range(at, at + len(zh))) <= covered:
            return True
        at = text.find(zh, at + 1)
    return False


def score_page(edition, rows) -> list[tuple[str, str, bool, str]]:
    """(zh, kind, rendered, the English checked) for every expected row."""
    out = []
    for zh, en, variants, kind in rows:
        longer = [r[0] for r in rows if zh in r[0] and r[0] != zh]
        segments = list(edition.segments())
        # Where the zh only ever stands inside longer rows (习近平 in 习近平总书记), those sentences hold it.
        englishes = [s.en or "" for s in segments if holds(s.zh, zh, longer)] or \
            [s.en or "" for s in segments if zh in s.zh]
        if not englishes:  # a row spanning sentences: the shortest runs of them that hold it
            for article in edition.articles:
                run = list(article.segments())
                for i in range(len(run)):
                    j = next((j for j in range(i + 1, len(run) + 1) if zh in "".join(s.zh for s in run[i:j])), None)
                    if j is not None and zh not in "".join(s.zh for s in run[i + 1:j]):
                        englishes.append(" ".join(s.en or "" for s in run[i:j]))
        forms = [f.casefold() for f in (en, *variants)]
        ok = bool(englishes) and all(any(f in e.casefold() for f in forms) for e in englishes)
        out.append((zh, kind, ok, englishes[0] if englishes else ""))
    return out


@pytest.fixture(scope="module")
def scores(tmp_path_factory):
    pipeline = Pipeline(Config(engine="gloss", use_memory=False, out_dir=tmp_path_factory.mktemp("out")))
    return {page.stem: score_page(pipeline.translate(pipeline.read(page)), expected_rows(page)) for page in PAGES}


def test_every_page_has_a_floor():
    assert set(PAGE_FLOORS) == {p.stem for p in PAGES}


def test_coverage_per_page_and_per_kind(scores):
    kinds_total, kinds_ok = Counter(), Counter()
    lines = []
    for stem, rows in scores.items():
        ok = sum(1 for r in rows if r[2])
        lines.append(f"{stem:36s} {ok:3d}/{len(rows):3d} {ok / len(rows):4.0%}")
        for _, kind, rendered, _ in rows:
            kinds_total[kind] += 1
            kinds_ok[kind] += rendered
    total, ok_all = sum(kinds_total.values()), sum(kinds_ok.values())
    lines.append(f"{'all pages':36s} {ok_all:3d}/{total:3d} {ok_all / total:4.0%}")
    lines.extend(f"  {kind:10s} {kinds_ok[kind]:3d}/{kinds_total[kind]:3d} {kinds_ok[kind] / kinds_total[kind]:4.0%}"
                 for kind in sorted(kinds_total))
    print("\n" + "\n".join(lines))
    missing = {stem: (sum(1 for r in rows if r[2]), PAGE_FLOORS[stem]) for stem, rows in scores.items()
               if sum(1 for r in rows if r[2]) < PAGE_FLOORS[stem]}
    assert not missing, missing
    below = {k: (kinds_ok[k], floor) for k, floor in KIND_FLOORS.items() if kinds_ok[k] < floor}
    assert not below, below


def test_every_dateline_and_nearly_every_person_is_rendered(scores):
    rows = [r for page in scores.values() for r in page]
    assert [r for r in rows if r[1] == "dateline" and not r[2]] == []
    failed_persons = [r[0] for r in rows if r[1] == "person" and not r[2]]
    assert len(failed_persons) <= 1, failed_persons  # 绳国庆: a rare surname after a role the glossary lacks
