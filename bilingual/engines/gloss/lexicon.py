"""The gloss engine's curated lexicon (``bilingual/data/gloss_overrides.tsv``): words whose English
a dictionary gets wrong for news, or that must stay whole."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import ModelError
from ...zh.script import CJK, has_han

OVERRIDES_PATH = Path(__file__).resolve().parents[2] / "data" / "gloss_overrides.tsv"


@dataclass
class Lexicon:
    """The curated table: English, English before punctuation or at the end, and part-of-speech tags."""

    senses: dict[str, str] = field(default_factory=dict)
    at_end: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)  # jieba tags for words jieba does not know (扛牢 v)


_TAG = re.compile(r"[a-z]{1,4}")


def load_lexicon(path: Path = OVERRIDES_PATH) -> Lexicon:
    """The curated table -> ``Lexicon``.

    TSV with header ``zh<TAB>en<TAB>at_end<TAB>tag``; an empty ``en`` means the
    word is dropped; ``at_end`` is optional (等 -> "and other", but "etc." before
    a comma); ``tag`` is optional, a jieba part-of-speech tag (``v``, ``n``,
    ``d`` ...) for the transfer rules, needed where jieba does not know the word.
    Lines starting with ``#`` are comments. Raises ModelError naming file and
    line for a malformed row or an English cell holding Chinese.
    """
    lexicon = Lexicon()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ModelError(f"cannot read the gloss override table: {exc.strerror}", path) from exc
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if number == 1 or cells[0] == "zh":
            if cells[:2] != ["zh", "en"]:
                raise ModelError("header must be 'zh<TAB>en<TAB>at_end<TAB>tag'", path, number)
            continue
        if len(cells) < 2 or not cells[0].strip() or len(cells) > 4:
            raise ModelError("expected 'zh<TAB>en', optionally followed by '<TAB>at_end<TAB>tag'", path, number)
        zh, en = cells[0].strip(), cells[1].strip()
        end = cells[2].strip() if len(cells) >= 3 else ""
        tag = cells[3].strip() if len(cells) == 4 else ""
        if CJK.search(en + end):
            raise ModelError(f"English for {zh!r} holds Chinese", path, number)
        if not has_han(zh):
            raise ModelError(f"{zh!r} is not a Chinese word", path, number)
        if tag and not _TAG.fullmatch(tag):
            raise ModelError(f"tag {tag!r} of {zh!r} is not a part-of-speech tag (v, n, d ...)", path, number)
        lexicon.senses[zh] = en
        if end:
            lexicon.at_end[zh] = end
        if tag:
            lexicon.tags[zh] = tag
    return lexicon


def load_overrides(path: Path = OVERRIDES_PATH) -> tuple[dict[str, str], dict[str, str]]:
    """The curated table -> ({zh: en}, {zh: English used before punctuation or at the end})."""
    lexicon = load_lexicon(path)
    return lexicon.senses, lexicon.at_end
