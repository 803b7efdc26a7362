"""Options several commands share, and building a ``Config`` from them: one definition each."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..config import CJK_FONT_STYLES, DEFAULT_LLM_URL, DEVICES, LAYOUTS, PAPERS, Config, EngineOptions, WriteOptions
from ..engines import AUTO, ENGINE_CHOICES, engine_help
from ..errors import UsageError
from ..write import DEFAULT_FORMATS, WRITERS, parse_formats
from .environment import Environment, creatable_folder


def add_verbosity_options(p: argparse.ArgumentParser, nested: bool = False) -> None:
    """-q/-v; ``nested`` (a command's own parser): given after the command, without resetting one given before."""
    default = argparse.SUPPRESS if nested else None
    p.add_argument("-q", "--quiet", action="store_true", default=default if nested else False,
                   help="print errors only (no progress or notes)")
    p.add_argument("-v", "--verbose", action="count", default=default if nested else 0,
                   help="print more about what is done")


def add_glossary_option(p: argparse.ArgumentParser, nested: bool = False) -> None:
    """``--glossary``; ``nested``: on an action's parser too, so it may come after the action."""
    p.add_argument("--glossary", type=Path, action="append", metavar="PATH",
                   default=argparse.SUPPRESS if nested else None,
                   help="glossary file or folder (repeatable; default: $BILINGUAL_GLOSSARY_DIR, else the config "
                        "file's glossary, else the shipped glossary)")


def add_engine_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--engine", choices=ENGINE_CHOICES, default=AUTO, help=engine_help())
    p.add_argument("--data-dir", type=Path, default=None,
                   help="folder of installed models (default: the config file's data_dir, else the XDG data dir)")
    add_glossary_option(p)
    neural = p.add_argument_group("neural models (CTranslate2)")
    neural.add_argument("--model", metavar="NAME", help="an installed model by name (see `bilingual model list`; "
                                                        "default: the newest of the engine's kind)")
    neural.add_argument("--device", choices=DEVICES, default="auto",
                        help="where CTranslate2 runs: auto (CUDA when present, else CPU), cpu or cuda")
    llm = p.add_argument_group("--engine llm (an OpenAI-compatible server)")
    llm.add_argument("--llm-url", default=DEFAULT_LLM_URL, metavar="URL",
                     help=f"the server's API base (default: {DEFAULT_LLM_URL}, Ollama on this machine; another host "
                          "only when named here; key from $BILINGUAL_LLM_API_KEY)")
    llm.add_argument("--llm-model", metavar="NAME", help="the server's model (default: the first it lists)")
    llm.add_argument("--llm-timeout", type=_positive(float), default=120.0, metavar="S",
                     help="seconds to wait for one answer (default: 120)")
    llm.add_argument("--llm-retries", type=_positive(int, zero=True), default=2, metavar="N",
                     help="further attempts for sentences whose answer fails a check (default: 2)")
    llm.add_argument("--llm-concurrency", type=_positive(int), default=2, metavar="N",
                     help="requests in flight at once (default: 2)")
    llm.add_argument("--llm-batch", type=_positive(int), default=8, metavar="N",
                     help="sentences per request (default: 8)")

    add_memory_options(p)


def add_memory_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--no-cache", action="store_true",
                   help="translate every machine sentence afresh (a person's English is still kept)")
    p.add_argument("--memory", dest="reference_memories", type=Path, action="append", default=[], metavar="PATH",
                   help="a read-only reference memory: another project's memory.sqlite3 or a TMX file (repeatable);"
                        " exact matches of a person's work are used, similar ones suggested")
    p.add_argument("--fuzzy-threshold", type=float, default=0.75, metavar="X",
                   help="how similar (0-1) a source must be for a memory's English to be suggested (default 0.75)")


def _positive(kind, zero: bool = False):
    """An argparse type: a number above 0 (or at least 0)."""
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if value < 0 or (value == 0 and not zero):
            raise argparse.ArgumentTypeError(f"must be {'0 or more' if zero else 'more than 0'}: {text}")
        return value

    parse.__name__ = kind.__name__
    return parse


def engine_options_from_args(args: argparse.Namespace, env: Environment) -> EngineOptions:
    """The EngineOptions for whichever engine options the command has (defaults for the others)."""
    defaults = EngineOptions()
    get = lambda name, default: value if (value := getattr(args, name, None)) is not None else default  # noqa: E731
    return EngineOptions(
        model=get("model", None), device=get("device", defaults.device),
        llm_url=get("llm_url", defaults.llm_url), llm_model=get("llm_model", None),
        llm_api_key=env.llm_api_key(), llm_timeout=get("llm_timeout", defaults.llm_timeout),
        llm_retries=get("llm_retries", defaults.llm_retries),
        llm_concurrency=get("llm_concurrency", defaults.llm_concurrency),
        llm_batch=get("llm_batch", defaults.llm_batch),
    )


def announce_engine(engine, env: Environment) -> None:
    """The engine line on stderr (with the server for an LLM), then the engine's warnings, once."""
    url = getattr(engine, "url", None)
    env.info(f"engine: {engine.name} ({engine.signature().model})" + (f" at {url}" if url else ""))
    for warning in getattr(engine, "warnings", None) or []:
        env.err(f"bilingual: warning: {warning}")


class SentenceProgress:
    """A slow engine's progress (``engine.progress``) as a line on stderr at most every few seconds."""

    def __init__(self, env: Environment, every_s: float = 5.0):
        self.env, self.every_s, self.last = env, every_s, 0.0

    def __call__(self, done: int, total: int) -> None:
        import time

        now = time.monotonic()
        if done == total or now - self.last >= self.every_s:
            self.last = now
            self.env.err(f"translating: {done}/{total} sentences")


def add_output_options(p: argparse.ArgumentParser, formats: tuple[str, ...] = DEFAULT_FORMATS) -> None:
    p.add_argument("--out", type=Path, default=None, help="output folder (default: output/)")
    p.add_argument("--format", dest="formats", default=",".join(formats),
                   help=f"comma-separated subset of: {', '.join(WRITERS)} (default: {','.join(formats)})")
    p.add_argument("--layout", choices=LAYOUTS, default=None, help="default: the config file's layout, else "
                                                                    "side-by-side")
    p.add_argument("--paper", choices=PAPERS, default="A4")
    p.add_argument("--cjk-font", choices=CJK_FONT_STYLES, default="serif")
    p.add_argument("--proof", action="store_true",
                   help="also write a proof PDF (<stem>.proof.pdf): flagged sentences highlighted, missed terms and "
                        "names to confirm listed; the published editions never carry highlighting")
    p.add_argument("--tmx-include-machine", action="store_true",
                   help="the edition's TMX also holds machine drafts (marked); default: a person's English only")


def add_text_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--place", help="English place name for titles such as 市委书记 (default: the config file's "
                                   "place, else from the page)")
    p.add_argument("--split-semicolons", action="store_true", help="also split long sentences at ；")


def config_from_args(args: argparse.Namespace, env: Environment) -> Config:
    """The run's Config from whichever of the shared options the command has (UsageError for a bad format)."""
    get = lambda name, default=None: getattr(args, name, default)  # noqa: E731
    formats = parse_formats(get("formats")) if get("formats") else None
    if get("proof"):
        formats = tuple(dict.fromkeys((*(formats or DEFAULT_FORMATS), "proof")))
    threshold = get("fuzzy_threshold", 0.75)
    if not 0 < threshold <= 1:
        raise UsageError(f"--fuzzy-threshold must be between 0 and 1, not {threshold}")
    out = get("out")
    if out is not None and str(out) != "-":
        creatable_folder(out)
    return Config(
        out_dir=out or Path("output"),
        engine=get("engine") or AUTO,
        engine_options=engine_options_from_args(args, env),
        glossary_paths=env.glossary_paths(get("glossary")),
        formats=formats,
        write=WriteOptions(layout=env.layout(get("layout")), paper=get("paper") or "A4",
                           cjk_font=get("cjk_font") or "serif", pdf_jobs=env.pdf_jobs(),
                           tmx_machine=bool(get("tmx_include_machine"))),
        place=env.place(get("place")),
        split_semicolons=bool(get("split_semicolons")),
        data_dir=env.data_dir(get("data_dir")),
        use_memory=not get("no_cache", False),
        reference_memories=list(get("reference_memories") or []),
        fuzzy_threshold=threshold,
        jobs=get("jobs") or 1,
    )
