"""The gloss engine's curated lexicon (``bilingual/data/gloss_overrides.tsv``): words whose English
a dictionary gets wrong for news, or that must stay whole."""

from __future__ import annotations

from pathlib import Path

from ...errors import ModelError
from ...zh.script import CJK, has_han

OVERRIDES_PATH = Path(__file__).resolve().parents[2] / "data" / "gloss_overrides.tsv"


def load_overrides(path: Path = OVERRIDES_PATH) -> tuple[dict[str, str], dict[str, str]]:
    """The curated table -> ({zh: en}, {zh: English used before punctuation or at the end}).

    TSV with header ``zh<TAB>en<TAB>at_end``; an empty ``en`` means the word is
    dropped; ``at_end`` is optional (等 -> "and other", but "etc." before a
    comma). Lines starting with ``#`` are comments. Raises ModelError naming
    file and line for a malformed row or an English cell holding Chinese.
    """
    table: dict[str, str] = {}
    at_end: dict[str, str] = {}
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
                raise ModelError("header must be 'zh<TAB>en<TAB>at_end'", path, number)
            continue
        if len(cells) < 2 or not cells[0].strip() or len(cells) > 3:
            raise ModelError("expected 'zh<TAB>en' or 'zh<TAB>en<TAB>at_end'", path, number)
        zh, en = cells[0].strip(), cells[1].strip()
        end = cells[2].strip() if len(cells) == 3 else ""
        if CJK.search(en + end):
            raise ModelError(f"English for {zh!r} holds Chinese", path, number)
        if not has_han(zh):
            raise ModelError(f"{zh!r} is not a Chinese word", path, number)
        table[zh] = en
        if end:
            at_end[zh] = end
    return table, at_end
