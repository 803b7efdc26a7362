"""`bilingual align` (existing translation -> TMX + bilingual edition) and `bilingual import-xliff`
(a reviewer's post-edited XLIFF -> updated edition, regenerated without translating)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import ExitStatus, InputError, UsageError, read_input_bytes
from ..write import LAYOUTS, PAPERS, WRITERS, WriteOptions

ALIGN_FORMATS = ("json", "tmx", "docx", "pdf", "html")
IMPORT_FORMATS = ("json", "tmx", "docx", "pdf", "html")


def _add_output_options(p: argparse.ArgumentParser, formats: tuple[str, ...]) -> None:
    p.add_argument("--format", dest="formats", default=",".join(formats),
                   help=f"comma-separated subset of: {', '.join(WRITERS)} (default: {','.join(formats)})")
    p.add_argument("--layout", choices=LAYOUTS, default="side-by-side")
    p.add_argument("--paper", choices=PAPERS, default="A4")
    p.add_argument("--cjk-font", choices=("serif", "sans"), default="serif")


def register(sub: argparse._SubParsersAction) -> None:
    a = sub.add_parser("align", help="align a Chinese text with an existing English version",
                       description="Align ZH_FILE (a page the reader understands, or plain Chinese text) with "
                                   "EN_FILE (plain English text) sentence by sentence; write TMX and a "
                                   "bilingual edition to OUT/<stem>/.")
    a.add_argument("zh_file", type=Path, metavar="ZH_FILE")
    a.add_argument("en_file", type=Path, metavar="EN_FILE")
    a.add_argument("--out", type=Path, default=Path("output"), help="output folder (default: output/)")
    a.add_argument("--plain", action="store_true",
                   help="treat ZH_FILE as plain text (one paragraph a line) instead of a newspaper page")
    a.add_argument("--glossary", type=Path, action="append", metavar="TSV",
                   help="glossary file or folder for anchors (default: the shipped glossary/, if readable)")
    a.add_argument("--memory", action="store_true",
                   help="also store the aligned pairs in the translation memory (engine 'align')")
    _add_output_options(a, ALIGN_FORMATS)
    a.set_defaults(run=run_align)

    x = sub.add_parser("import-xliff", help="apply a post-edited XLIFF and regenerate the editions",
                       description="Read a reviewer's XLIFF, update the English of the edition's JSON found "
                                   "beside it, and rewrite the editions without translating.")
    x.add_argument("file", type=Path, metavar="FILE")
    x.add_argument("--out", type=Path, default=None,
                   help="output folder (default: the folder above the edition's JSON, e.g. output/)")
    _add_output_options(x, IMPORT_FORMATS)
    x.set_defaults(run=run_import_xliff)


def _formats(value: str) -> tuple[str, ...]:
    formats = tuple(f.strip() for f in value.split(",") if f.strip())
    unknown = [f for f in formats if f not in WRITERS]
    if unknown:
        raise UsageError(f"unknown format {unknown[0]!r}; choose from {', '.join(WRITERS)}")
    return formats


def _config(args: argparse.Namespace, out_dir: Path):
    from ..pipeline import Config

    return Config(out_dir=out_dir, formats=_formats(args.formats),
                  write=WriteOptions(layout=args.layout, paper=args.paper, cjk_font=args.cjk_font))


def _read_text(path: Path, what: str) -> str:
    data = read_input_bytes(path, what)
    if b"\x00" in data[:4096]:
        raise InputError(f"binary file, expected {what} as UTF-8 text", path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        raise InputError(f"not valid UTF-8 ({what})", path, line) from None
    if not text.strip():
        raise InputError(f"empty file, expected {what}", path)
    return text


# -- align -------------------------------------------------------------------

def _read_chinese(path: Path, plain: bool):
    """The Chinese side as an Edition: through the page reader unless --plain or the reader is absent."""
    from ..stages.align import plain_chinese_edition

    if not plain:
        try:
            from ..pipeline import Config, read_edition

            return read_edition(path, Config())
        except ImportError:  # the page reader is not installed in this build: fall back to plain text
            pass
    text = _read_text(path, "Chinese text")
    return plain_chinese_edition(text, str(path))


def _glossary_anchors(paths: list[Path] | None, edition) -> list[tuple[str, str]]:
    """(Chinese, English) anchors: the glossary's entries when a glossary loads, and terms already on segments."""
    pairs = [(t.zh, t.en) for seg in edition.segments() for t in seg.terms if t.zh and t.en]
    try:
        from ..terms.glossary import load_glossary
    except ImportError:
        return pairs
    glossary = load_glossary(paths)
    entries = getattr(glossary, "entries", glossary)
    for entry in entries if not isinstance(entries, dict) else entries.values():
        zh, en = getattr(entry, "zh", None), getattr(entry, "en", None)
        if isinstance(zh, str) and isinstance(en, str) and "{" not in en:
            pairs.append((zh, en))
    return pairs


def run_align(args: argparse.Namespace) -> int:
    from ..pipeline import write_edition
    from ..stages.align import aligned_edition, align_sentences, split_english_sentences

    config = _config(args, args.out)
    zh_edition = _read_chinese(args.zh_file, args.plain)
    zh_sentences = [seg.zh for seg in _reading_order(zh_edition)]
    if not zh_sentences:
        raise InputError("no Chinese sentences found", args.zh_file)
    en_sentences = split_english_sentences(_read_text(args.en_file, "English text"))
    anchors = _glossary_anchors(args.glossary, zh_edition)
    pairs = align_sentences(zh_sentences, en_sentences, term_pairs=anchors)
    edition = aligned_edition(zh_edition, en_sentences, pairs, english_source=args.en_file.name)
    written = write_edition(edition, config)
    if args.memory:
        print(_store_aligned_pairs(edition), file=sys.stderr)
    kinds: dict[str, int] = {}
    for pair in pairs:
        kinds[pair.kind] = kinds.get(pair.kind, 0) + 1
    summary = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
    print(f"{args.zh_file} + {args.en_file}: {len(zh_sentences)} Chinese and {len(en_sentences)} English "
          f"sentences -> {len(pairs)} pairs ({summary}) -> " + ", ".join(str(w) for w in written))
    return ExitStatus.OK


def _store_aligned_pairs(edition) -> str:
    """Put every pair with both sides (1-1, 1-2, 2-1) in the TM under engine "align", model "gale-church"."""
    from ..memory import open_memory

    pairs = [seg for seg in edition.segments() if seg.zh and seg.en]
    with open_memory(None) as memory:
        for seg in pairs:
            memory.store(seg.text_key, seg.en, engine="align", model="gale-church", glossary="")
        memory.commit()
    return f"translation memory: {len(pairs)} aligned pairs stored (engine align)"


def _reading_order(edition):
    """Chinese segments with text, in the order ``aligned_edition`` expects (heads, then paragraphs)."""
    for article in edition.articles:
        for _, seg in article.heads():
            if seg.zh:
                yield seg
        for para in article.paragraphs:
            yield from para.segments


# -- import-xliff --------------------------------------------------------------

def find_edition_json(xliff_path: Path, original: str | None, out_dir: Path | None) -> Path:
    """The edition JSON the XLIFF was exported from: beside it (<stem>.json), or under OUT/<stem>/."""
    stems = [xliff_path.name.split(".")[0]]
    if original:
        stems.append(Path(original).stem)
    candidates = []
    for stem in dict.fromkeys(stems):
        candidates.append(xliff_path.parent / f"{stem}.json")
        if out_dir is not None:
            candidates.append(out_dir / stem / f"{stem}.json")
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise InputError(f"cannot find the edition's JSON (looked for {', '.join(str(c) for c in candidates)})",
                     xliff_path)


def apply_review(edition, units, xliff_path: Path) -> tuple[set[str], list[str]]:
    """Copy reviewed English into ``edition`` by segment id. Returns (ids changed, problems).

    A unit whose id is unknown, or whose source differs from the edition's Chinese,
    is not applied: it is reported as a problem (one line naming file and unit).
    """
    by_id = {seg.id: seg for seg in edition.segments()}
    changed: set[str] = set()
    problems: list[str] = []
    for unit in units:
        seg = by_id.get(unit.id)
        if seg is None:
            problems.append(f"{xliff_path}: unit {unit.id!r}: unknown id, not in the edition")
            continue
        if "".join(unit.source.split()) != "".join(seg.zh.split()):
            problems.append(f"{xliff_path}: unit {unit.id!r}: source text changed "
                            f"({seg.zh!r} -> {unit.source!r}), not applied")
            continue
        target = (unit.target or "").strip()
        if target and target != (seg.en or ""):
            seg.en = target
            seg.engine = "xliff"
            # The reviewer has read this sentence: the machine's flags no longer stand.
            seg.flags = []
            changed.add(seg.id)
    return changed, problems


def _update_memory(edition, reviewed_ids: set[str]) -> str:
    """Store the reviewed English in the translation memory under the edition's own signature
    (engine, model, glossary), so the next run of the same engine serves the reviewed sentence."""
    from ..memory import model_key, open_memory

    sig = edition.signature or {}
    # The same key the translate stage looks up: engine, model_key(signature), glossary version.
    engine, model, glossary = str(sig.get("engine") or ""), model_key(sig), str(sig.get("glossary") or "")
    reviewed = [seg for seg in edition.segments() if seg.id in reviewed_ids and seg.en]
    with open_memory(None) as memory:
        for seg in reviewed:
            memory.store(seg.text_key, seg.en, engine=engine, model=model, glossary=glossary,
                         terms=[t.to_dict() for t in seg.terms])
        memory.commit()
    return f"translation memory: {len(reviewed)} reviewed sentences stored"


def run_import_xliff(args: argparse.Namespace) -> int:
    import json

    from ..model import Edition
    from ..pipeline import write_edition
    from ..write.xliff import read_xliff

    original, units = read_xliff(args.file)
    json_path = find_edition_json(args.file, original, args.out)
    try:
        edition = Edition.from_json(json.loads(json_path.read_text(encoding="utf-8")))
    except (ValueError, KeyError, TypeError) as e:
        raise InputError(f"not an edition JSON: {e}", json_path) from None
    changed, problems = apply_review(edition, units, args.file)
    for problem in problems:
        print(f"bilingual: {problem}", file=sys.stderr)
    if changed:
        edition.signature = dict(edition.signature or {}, reviewed=args.file.name)
    out_dir = args.out if args.out is not None else json_path.parent.parent
    written = write_edition(edition, _config(args, out_dir))
    print(f"{args.file}: {len(changed)} segments updated, {len(problems)} not applied -> "
          + ", ".join(str(w) for w in written))
    try:
        print(_update_memory(edition, changed), file=sys.stderr)
    except Exception as e:  # the TM is someone else's module: its failure must not lose the edition
        print(f"bilingual: translation memory not updated: {e}", file=sys.stderr)
    return ExitStatus.FAILED if problems else ExitStatus.OK
