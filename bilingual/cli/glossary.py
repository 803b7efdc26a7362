"""`bilingual glossary list|find|add|remove|lint|import|export|coverage|suggest`: maintain the glossary."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..config import shipped_glossary_dir
from ..errors import ExitStatus, GlossaryError, UsageError
from ..files import atomic_path
from ..read import read_page
from ..terms.coverage import suggest_terms, suggestions_tsv, term_coverage
from ..terms.edit import add_terms, clean_field, default_edit_file, remove_terms
from ..terms.formats import FORMATS, export_terms, format_of, import_terms
from ..terms.glossary import STATUSES, TYPES, Term, glossary_files, load_glossary, render_term
from ..terms.lint import errors_in, lint_paths, read_rows
from ..terms.names import find_names
from ..zh.script import has_han
from .environment import STDIO, Environment
from .options import add_glossary_option


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("glossary", help="list, find, edit, lint, import/export the glossary",
                       description="The glossary is TSV in glossary/ (zh, en, type, status, variants, note). "
                                   "Edits are linted before they are written, and written atomically.")
    add_glossary_option(p)
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")

    a = actions.add_parser("list", help="every term: zh, en, type, where")
    a.add_argument("--type", choices=TYPES, help="only terms of this type")

    a = actions.add_parser("find", help="terms matched in a Chinese text and longer terms containing it, or terms "
                                        "whose zh/en contain TEXT")
    a.add_argument("text", metavar="TEXT")
    a.add_argument("--place", help="English place for {place} slots")
    a.add_argument("--json", action="store_true", help="print JSON")

    a = actions.add_parser("add", help="add a term to a glossary file (refused if lint would fail)")
    a.add_argument("zh")
    a.add_argument("en")
    a.add_argument("--type", required=True, choices=TYPES)
    a.add_argument("--status", default="preferred", choices=STATUSES)
    a.add_argument("--variant", action="append", default=[], help="another accepted English form (repeatable)")
    a.add_argument("--note", default="", help="source or usage")
    a.add_argument("--file", type=Path, help="glossary file to edit (default: the local file in the glossary "
                                              "folder, not national.tsv)")

    a = actions.add_parser("remove", help="remove a term's rows from a glossary file")
    a.add_argument("zh")
    a.add_argument("--en", help="only the row with this English")
    a.add_argument("--file", type=Path, help="glossary file to edit (default: every file that has the term, which "
                                              "needs --yes)")
    a.add_argument("--yes", action="store_true", help="remove from every file that has the term")

    actions.add_parser("lint", help="check the glossary; prints file:line: message, exit 1 on errors")

    a = actions.add_parser("import", help="add the terms of a TSV, CSV (source,target) or TBX file (- for stdin)")
    a.add_argument("source", type=Path, metavar="FILE")
    a.add_argument("--format", choices=tuple(FORMATS), help="default: from the file's suffix")
    a.add_argument("--type", default="term", choices=TYPES, help="type for rows that have none (CSV)")
    a.add_argument("--file", type=Path, help="glossary file to add to (default: the local file)")

    a = actions.add_parser("export", help="write the glossary as TSV, CSV (source,target) or TBX (- for stdout)")
    a.add_argument("out", type=Path, metavar="FILE")
    a.add_argument("--format", choices=tuple(FORMATS), help="default: from the file's suffix (needed for -)")
    a.add_argument("--place", help="English place for {place} slots in CSV (else those rows are left out)")

    a = actions.add_parser("coverage", help="which glossary terms occur in the pages, and how often")
    a.add_argument("pages", type=Path, nargs="+", metavar="FILE", help="pages (- for stdin)")
    a.add_argument("--json", action="store_true", help="print JSON")

    a = actions.add_parser("suggest", help="candidate terms not yet in the glossary, by frequency, with draft English")
    a.add_argument("pages", type=Path, nargs="+", metavar="FILE", help="pages (- for stdin)")
    a.add_argument("--limit", type=int, default=50)
    a.add_argument("--out", type=Path, metavar="TSV",
                   help="write the candidates as a glossary TSV to review, then `glossary import` it (- for stdout)")
    a.add_argument("--json", action="store_true", help="print JSON")
    for action in dict.fromkeys(actions.choices.values()):  # --glossary also after the action
        add_glossary_option(action, nested=True)
    p.set_defaults(run=run_glossary)


def run_glossary(args: argparse.Namespace, env: Environment) -> int:
    args.glossary = env.glossary_paths(args.glossary)
    return {
        "list": run_list, "find": run_find, "add": run_add, "remove": run_remove, "lint": run_lint,
        "import": run_import, "export": run_export, "coverage": run_coverage, "suggest": run_suggest,
    }[args.action](args, env)


def _load(args):
    return load_glossary(args.glossary)


def _local_file(args) -> Path:
    """The file edits go to: ``--file``, else the glossary folder's first local (not national) file."""
    if args.file is not None:
        return args.file
    try:
        return default_edit_file(args.glossary, shipped_glossary_dir())
    except GlossaryError:
        raise UsageError("say which glossary file to edit with --file") from None


def run_list(args, env: Environment) -> int:
    for t in _load(args).terms:
        if args.type and t.type != args.type:
            continue
        status = "" if t.status == "preferred" else f" [{t.status}]"
        env.out(f"{t.zh}\t{t.en}\t{t.type}{status}\t{t.source}")
    return ExitStatus.OK


def _term_json(t: Term, place: str | None = None) -> dict:
    return {"zh": t.zh, "en": render_term(t, place) if place else t.en, "type": t.type, "status": t.status,
            "variants": list(t.variants), "note": t.note, "source": t.source}


def run_find(args, env: Environment) -> int:
    glossary = _load(args)
    text = args.text
    rows: list[dict] = []
    if has_han(text):
        matched = set()
        for m in glossary.match(text):
            matched.add(m.term)
            rows.append({"match": "in text", "start": m.start, "end": m.end, "text": text[m.start:m.end],
                         **_term_json(m.term), "en": render_term(m.term, args.place)})
        for n in find_names(text, glossary):
            if n.how != "glossary":
                rows.append({"match": "name", "start": n.start, "end": n.end, "text": n.zh, "zh": n.zh, "en": n.en,
                             "type": f"name ({n.how})", "source": "pinyin"})
        # Longer terms that contain the text (书记 -> 市委书记, 副书记): what a writer looking a word up wants too.
        query = text.strip()
        for t in glossary.terms:
            if t not in matched and t.zh != query and query in t.zh:
                rows.append({"match": "contains", **_term_json(t, args.place)})
    else:
        needle = text.casefold()
        for t in glossary.terms:
            if any(needle in s.casefold() for s in (t.zh, t.en, *t.variants)):
                rows.append({"match": "contains", **_term_json(t, args.place)})
    if args.json:
        env.out(json.dumps(rows, ensure_ascii=False, indent=1))
    else:
        for r in rows:
            where = f"{r['start']}-{r['end']}\t{r['text']}" if "start" in r else f"({r['match']})\t{r['zh']}"
            env.out(f"{where}\t{r['en']}\t{r['type']}\t{r['source']}")
    if not rows:
        env.err("no glossary term found")
    return ExitStatus.OK if rows else ExitStatus.FAILED


def run_add(args, env: Environment) -> int:
    path = _local_file(args)
    term = Term(clean_field(args.zh), clean_field(args.en), args.type, args.status,
                tuple(clean_field(v) for v in args.variant if clean_field(v)), clean_field(args.note))
    if not has_han(term.zh) and has_han(term.en):
        raise UsageError(f"{term.zh!r} is not Chinese and {term.en!r} is: the Chinese comes first "
                         f"(glossary add {term.en} {term.zh!r} ...)")
    added = add_terms(path, [term], args.glossary)
    env.out(f"{'added' if added else 'already present'}: {term.zh}\t{term.en}\t{term.type} in {path}")
    return ExitStatus.OK


def run_remove(args, env: Environment) -> int:
    files = [args.file] if args.file is not None else glossary_files(args.glossary)
    rows = {f: [t for t in _rows(f) if t.zh == args.zh] for f in files}
    if not any(rows.values()):
        env.err(f"bilingual: error: {args.zh} is not in the glossary" + (f" ({args.file})" if args.file else ""))
        return ExitStatus.FAILED
    if args.en is not None:
        rows = {f: [t for t in found if t.en == args.en] for f, found in rows.items()}
        if not any(rows.values()):
            have = sorted({t.en for t in _rows_of(files, args.zh)})
            env.err(f"bilingual: error: the English did not match: {args.zh} is in the glossary as "
                    + " | ".join(repr(e) for e in have) + f", not {args.en!r}")
            return ExitStatus.FAILED
    changing = {f: found for f, found in rows.items() if found}
    if args.file is None and not args.yes:
        for f, found in changing.items():
            env.err(f"would remove {len(found)} row{'s' if len(found) != 1 else ''} for {args.zh} from {f}: "
                    + "; ".join(f"line {t.line}: {t.en}" for t in found))
        env.err("bilingual: error: add --yes to remove from these files, or name one with --file")
        return ExitStatus.USAGE
    for f in changing:
        n = remove_terms(f, args.zh, args.en, args.glossary)
        if n:
            env.out(f"removed {n} row{'s' if n > 1 else ''} for {args.zh} from {f}")
    return ExitStatus.OK


def _rows(path: Path) -> list[Term]:
    # The tolerant reader: a bad row elsewhere in the file must not hide this one.
    try:
        return read_rows(str(path), Path(path).read_text(encoding="utf-8-sig"), 0)[0]
    except (OSError, UnicodeDecodeError):
        return []


def _rows_of(files: list[Path], zh: str) -> list[Term]:
    return [t for f in files for t in _rows(f) if t.zh == zh]


def run_lint(args, env: Environment) -> int:
    messages = lint_paths(args.glossary)
    for m in messages:
        env.out(str(m))
    errors = errors_in(messages)
    warnings = len(messages) - len(errors)
    env.err(f"{len(errors)} error{'s' if len(errors) != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}")
    return ExitStatus.FAILED if errors else ExitStatus.OK


def run_import(args, env: Environment) -> int:
    if str(args.source) == STDIO:
        if not args.format:
            raise UsageError("say which format stdin is in with --format")
        terms = import_terms(Path("<stdin>"), args.format, args.type, data=env.stdin.read())
    else:
        terms = import_terms(args.source, args.format, args.type)
    path = _local_file(args)
    added = add_terms(path, terms, args.glossary)
    present = len(terms) - added
    env.out(f"imported {added} of {len(terms)} terms from {args.source} into {path}"
            + (f" ({present} already in the glossary)" if present else ""))
    return ExitStatus.OK


def run_export(args, env: Environment) -> int:
    if str(args.out) == STDIO and not args.format:
        raise UsageError("say which format to write to stdout with --format")
    fmt = format_of(args.out, args.format)
    exported = export_terms(_load(args).terms, fmt, place=args.place)
    with env.output_file(args.out) as target:
        with atomic_path(target) as tmp:
            tmp.write_bytes(exported.data)
    env.info(f"wrote {exported.count} terms to {'stdout' if str(args.out) == STDIO else args.out} ({fmt})")
    for note in exported.notes:
        env.info(f"bilingual: note: {note}")
    return ExitStatus.OK


def _page_texts(paths: list[Path], env: Environment) -> list[str]:
    texts = []
    for path in paths:
        with env.input_file(path) as readable:
            edition = read_page(readable)
        texts.extend(seg.text_key for seg in edition.segments())
    return texts


def run_coverage(args, env: Environment) -> int:
    glossary = _load(args)
    coverage = term_coverage(_page_texts(args.pages, env), glossary)
    used = len(coverage)
    total = len([t for t in glossary.terms if t.status == "preferred"])
    if args.json:
        env.out(json.dumps({"occur": used, "terms": total,
                            "coverage": [{"count": n, **_term_json(t)} for t, n in coverage]},
                           ensure_ascii=False, indent=1))
        return ExitStatus.OK
    for term, count in coverage:
        env.out(f"{count}\t{term.zh}\t{term.en}\t{term.type}\t{term.source}")
    env.info(f"{used} of {total} glossary terms occur")
    return ExitStatus.OK


def run_suggest(args, env: Environment) -> int:
    suggestions = suggest_terms(_page_texts(args.pages, env), _load(args), limit=args.limit)
    if args.json:
        env.out(json.dumps([{"zh": s.zh, "en": s.en, "kind": s.kind, "count": s.count} for s in suggestions],
                           ensure_ascii=False, indent=1))
        return ExitStatus.OK
    if args.out is not None:
        with env.output_file(args.out, ".tsv") as target:
            with atomic_path(target) as tmp:
                tmp.write_text(suggestions_tsv(suggestions), encoding="utf-8")
        drafted = sum(1 for s in suggestions if s.en)
        where = "stdout" if str(args.out) == STDIO else args.out
        env.info(f"wrote {len(suggestions)} candidates ({drafted} with draft English) to {where}; review every row "
                 f"(English, type, and the note: its source), then: bilingual glossary import {args.out}")
        return ExitStatus.OK
    for s in suggestions:
        env.out(f"{s.count}\t{s.zh}\t{s.kind}" + (f"\t{s.en}" if s.en else ""))
    return ExitStatus.OK
