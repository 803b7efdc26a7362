"""Configuration, passed in explicitly: nothing below the CLI and the web page reads the environment.

``Config`` holds everything a run needs (output folder, engine, glossary, formats, layout,
place, memory, processes). The CLI builds it from options and from ``Environment``
(which is where environment variables such as ``BILINGUAL_GLOSSARY_DIR`` are read);
the web page builds it from its own settings. Defaults live here too: where the shipped
glossary is, the user's data folder, how many cores this process may use.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

APP_NAME = "bilingual"
LAYOUTS = ("side-by-side", "interleaved", "english")
PAPERS = ("A4", "Letter")
CJK_FONT_STYLES = ("serif", "sans")
GLOSSARY_DIR_ENV = "BILINGUAL_GLOSSARY_DIR"
PDF_JOBS_ENV = "BILINGUAL_PDF_JOBS"
LLM_API_KEY_ENV = "BILINGUAL_LLM_API_KEY"
CACHE_DIR_ENV = "BILINGUAL_CACHE_DIR"
DEVICES = ("auto", "cpu", "cuda")
DEFAULT_LLM_URL = "http://127.0.0.1:11434/v1"  # Ollama's OpenAI-compatible API on this machine


@dataclass(frozen=True)
class WriteOptions:
    """How editions are laid out. ``pdf_jobs``: processes for a long PDF (None: every usable core)."""

    layout: str = "side-by-side"
    paper: str = "A4"
    cjk_font: str = "serif"  # "serif" -> Noto Serif CJK SC, "sans" -> Noto Sans CJK SC
    highlight_flags: bool = False  # a proof edition highlights flagged sentences; a published one never
    pdf_jobs: int | None = None
    tmx_machine: bool = False  # the edition's TMX also holds machine drafts (marked); default: a person's only

    def key(self) -> str:
        """What of these options shows in the files (part of the page signature)."""
        return f"{self.layout}/{self.paper}/{self.cjk_font}"


@dataclass(frozen=True)
class EngineOptions:
    """How the engines run (the CLI's engine options; defaults suit a first run).

    Neural engines: ``model`` picks an installed model by name (None: the newest of the engine's
    kind), ``device`` is auto|cpu|cuda, and the thread split (``inter_threads`` translators x
    ``intra_threads`` threads each, ``batch_size`` sentences a batch) is, when None, the one
    ``bilingual model tune`` measured for this machine, else a default for its core count.
    LLM engine: an OpenAI-compatible server at ``llm_url`` (loopback unless the user names
    another host), ``llm_model`` (None: the server's first model), and bounds on every request.
    """

    model: str | None = None
    device: str = "auto"
    inter_threads: int | None = None
    intra_threads: int | None = None
    batch_size: int | None = None
    llm_url: str = DEFAULT_LLM_URL
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_timeout: float = 120.0  # seconds per request
    llm_retries: int = 2  # further attempts for a batch whose answer fails a check
    llm_concurrency: int = 2  # requests in flight at once
    llm_batch: int = 8  # sentences per request

    def with_(self, **changes) -> "EngineOptions":
        return replace(self, **changes)


@dataclass
class Config:
    """Everything a run needs. ``formats`` None means every registered writer."""

    out_dir: Path = Path("output")
    engine: str = "auto"
    engine_options: EngineOptions = field(default_factory=EngineOptions)
    glossary_paths: list[Path] | None = None  # None: the shipped glossary
    formats: tuple[str, ...] | None = None
    write: WriteOptions = field(default_factory=WriteOptions)
    place: str | None = None  # English place for title slots; None: from the page
    split_semicolons: bool = False
    data_dir: Path | None = None  # installed models; None: the user's data folder
    use_memory: bool = True  # reuse and store machine English in the memory (a person's English is always kept)
    memory_path: Path | None = None  # the project's memory; None: <out_dir>/.bilingual/memory.sqlite3
    reference_memories: list[Path] = field(default_factory=list)  # read-only: other memories, TMX files
    fuzzy_threshold: float = 0.75  # how similar a source must be for its English to be suggested
    jobs: int = 1

    def with_(self, **changes) -> "Config":
        return replace(self, **changes)


def usable_cpus() -> int:
    """The cores this process may run on (its affinity mask where the system has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def default_data_dir() -> Path:
    """The user's data folder for this tool (``$XDG_DATA_HOME/bilingual`` on Linux)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def default_cache_dir() -> Path:
    """Where tables derived from installed data files are kept (``files.derived_table``; any process can build
    them again): ``$BILINGUAL_CACHE_DIR``, else the user's cache folder (``$XDG_CACHE_HOME/bilingual`` on Linux)."""
    given = os.environ.get(CACHE_DIR_ENV)
    if given:
        return Path(given)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir(APP_NAME, appauthor=False))


def shipped_glossary_dir() -> Path:
    """The glossary shipped with the tool: the checkout's ``glossary/``, installed as ``bilingual.glossary``.

    Run from a checkout (``PYTHONPATH``, another worktree than the editable install's), the
    ``glossary/`` beside this package is the one that goes with its code.
    """
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / "glossary" / "__init__.py").is_file():
        return checkout / "glossary"
    return Path(str(resources.files("bilingual.glossary")))
