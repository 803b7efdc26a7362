"""`bilingual glossary list|find|add|remove|lint|import|export|coverage|suggest`: maintain the glossary."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..config import shipped_glossary_dir
from ..errors import ExitStatus, GlossaryError, UsageError
from ..files import atomic_path
from ..read import read_page
from ..terms.coverage import suggest_terms, suggestions_tsv, term_coverage
from ..terms.edit import add_terms, default_edit_file, remove_terms
from ..terms.formats import FORMATS, export_terms, format_of, import_terms
from ..terms.glossary import STATUSES, TYPES, Term, glossary_files, load_glossary, render_term
from ..terms.lint import errors_in, lint_paths
from ..terms.names import find_names
from ..zh.script import has_han
from .environment import Environment
from .options import add_glossary_option


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("glossary", help="list, find, edit, lint, import/export the glossary",
                       description="The glossary is TSV in glossary/ (zh, en, type, status, variants, note). "
                                   "Edits are linted before they are written, and written atomically.")
    add_glossary_option(p)
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")

    a = actions.add_parser("list", help="every term: zh, en, type, where")
    a.add_argument("--type", choices=TYPES, help="only terms of this type")

    a = actions.add_parser("find", help="terms matched in a Chinese text, or terms whose zh/en contain TEXT")
    a.add_argument("text", metavar="TEXT")
    a.add_argument("--place", help="English place for {place} slots")

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
    a.add_argument("--file", type=Path, help="glossary file to edit (default: every file that has the term)")

    actions.add_parser("lint", help="check the glossary; prints file:line: message, exit 1 on errors")

    a = actions.add_parser("import", help="add the terms of a TSV, CSV (source,target) or TBX file")
    a.add_argument("source", type=Path, metavar="FILE")
    a.add_argument("--format", choices=tuple(FORMATS), help="default: from the file's suffix")
    a.add_argument("--type", default="term", choices=TYPES, help="type for rows that have none (CSV)")
    a.add_argument("--file", type=Path, help="glossary file to add to (default: the local file)")

    a = actions.add_parser("export", help="write the glossary as TSV, CSV (source,target) or TBX")
    a.add_argument("out", type=Path, metavar="FILE")
    a.add_argument("--format", choices=tuple(FORMATS), help="default: from the file's suffix")

    a = actions.add_parser("coverage", help="which glossary terms occur in the pages, and how often")
    a.add_argument("pages", type=Path, nargs="+", metavar="FILE")

    a = actions.add_parser("suggest", help="candidate terms not yet in the glossary, by frequency, with draft English")
    a.add_argument("pages", type=Path, nargs="+", metavar="FILE")
    a.add_argument("--limit", type=int, default=50)
    a.add_argument("--out", type=Path, metavar="TSV",
                   help="write the candidates as a glossary TSV to review, then `glossary import` it")
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


def run_find(args, env: Environment) -> int:
    glossary = _load(args)
    text = args.text
    found = 0
    if has_han(text):
        for m in glossary.match(text):
            env.out(f"{m.start}-{m.end}\t{text[m.start:m.end]}\t{render_term(m.term, args.place)}\t{m.term.type}"
                  f"\t{m.term.source}")
            found += 1
        for n in find_names(text, glossary):
            if n.how != "glossary":
                env.out(f"{n.start}-{n.end}\t{n.zh}\t{n.en}\tname ({n.how})\tpinyin")
                found += 1
    else:
        needle = text.casefold()
        for t in glossary.terms:
            if any(needle in s.casefold() for s in (t.zh, t.en, *t.variants)):
                env.out(f"{t.zh}\t{t.en}\t{t.type}\t{t.source}")
                found += 1
    if not found:
        env.err("no glossary term found")
    return ExitStatus.OK if found else ExitStatus.FAILED


def run_add(args, env: Environment) -> int:
    path = _local_file(args)
    term = Term(args.zh.strip(), args.en.strip(), args.type, args.status,
                tuple(v.strip() for v in args.variant if v.strip()), args.note)
    added = add_terms(path, [term], args.glossary)
    env.out(f"{'added' if added else 'already present'}: {term.zh}\t{term.en}\t{term.type} in {path}")
    return ExitStatus.OK


def run_remove(args, env: Environment) -> int:
    files = [args.file] if args.file is not None else glossary_files(args.glossary)
    removed = 0
    for f in files:
        n = remove_terms(f, args.zh, args.en, args.glossary)
        if n:
            env.out(f"removed {n} row{'s' if n > 1 else ''} for {args.zh} from {f}")
        removed += n
    if not removed:
        env.err(f"bilingual: error: {args.zh} is not in the glossary")
        return ExitStatus.FAILED
    return ExitStatus.OK


def run_lint(args, env: Environment) -> int:
    messages = lint_paths(args.glossary)
    for m in messages:
        env.out(str(m))
    errors = errors_in(messages)
    warnings = len(messages) - len(errors)
    env.err(f"{len(errors)} error{'s' if len(errors) != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}")
    return ExitStatus.FAILED if errors else ExitStatus.OK


def run_import(args, env: Environment) -> int:
    terms = import_terms(args.source, args.format, args.type)
    path = _local_file(args)
    added = add_terms(path, terms, args.glossary)
    env.out(f"imported {added} of {len(terms)} terms from {args.source} into {path}")
    return ExitStatus.OK


def run_export(args, env: Environment) -> int:
    fmt = format_of(args.out, args.format)
    terms = _load(args).terms
    data = export_terms(terms, fmt)
    with atomic_path(args.out) as tmp:
        tmp.write_bytes(data)
    env.out(f"wrote {len(terms)} terms to {args.out} ({fmt})")
    return ExitStatus.OK


def _page_texts(paths: list[Path]) -> list[str]:
    texts = []
    for path in paths:
        edition = read_page(path)
        texts.extend(seg.text_key for seg in edition.segments())
    return texts


def run_coverage(args, env: Environment) -> int:
    glossary = _load(args)
    coverage = term_coverage(_page_texts(args.pages), glossary)
    for term, count in coverage:
        env.out(f"{count}\t{term.zh}\t{term.en}\t{term.type}\t{term.source}")
    used = len(coverage)
    total = len([t for t in glossary.terms if t.status == "preferred"])
    env.err(f"{used} of {total} glossary terms occur")
    return ExitStatus.OK


def run_suggest(args, env: Environment) -> int:
    suggestions = suggest_terms(_page_texts(args.pages), _load(args), limit=args.limit)
    if args.out is not None:
        with atomic_path(args.out) as tmp:
            tmp.write_text(suggestions_tsv(suggestions), encoding="utf-8")
        drafted = sum(1 for s in suggestions if s.en)
        env.out(f"wrote {len(suggestions)} candidates ({drafted} with draft English) to {args.out}; review every row "
                f"(English, type, and the note: its source), then: bilingual glossary import {args.out}")
        return ExitStatus.OK
    for s in suggestions:
        env.out(f"{s.count}\t{s.zh}\t{s.kind}" + (f"\t{s.en}" if s.en else ""))
    return ExitStatus.OK
