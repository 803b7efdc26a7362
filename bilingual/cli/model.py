"""`bilingual model list | install PATH_OR_NAME | remove NAME | tune [NAME]`: the neural engine's models."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..config import DEVICES
from ..engines.models import find_model, install_model, list_models, models_dir, remove_model
from ..engines.neural import (
    TUNE_BATCH_SIZES,
    TUNING_SAMPLE,
    candidate_splits,
    measurable_batches,
    resolve_device,
    stored_plan,
    tune_model,
)
from ..engines.packages import packages_dir
from ..errors import ExitStatus, ModelError, UsageError
from .environment import Environment

EPILOG = """models:
  Argos Translate packages (.argosmodel, zipped or unzipped), OPUS-MT/Marian models converted to CTranslate2
  (model.bin, source.spm, target.spm) and NLLB-200 / M2M-100 models converted to CTranslate2 (model.bin,
  sentencepiece.bpe.model); a folder of one, or a zip of one. A name (zh_en) is downloaded from the Argos
  index: $ARGOS_PACKAGE_INDEX or --index (a URL, or an index.json on disk for an offline mirror).
"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("model", help="list, install, remove or tune translation models",
                       description="Manage the zh->en models the neural engines run on.", epilog=EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    data_dir_help = "keep models in DIR (Argos packages in DIR/packages, others in DIR/models; default: where " \
                    "argostranslate keeps packages, and this tool's data folder)"
    p.add_argument("--data-dir", type=Path, default=None, help=data_dir_help)
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = actions.add_parser("list", help="show installed models; * marks the one --engine auto uses")
    listing.add_argument("--json", action="store_true", help="print JSON")
    install = actions.add_parser("install", help="install a model file or folder, or an Argos package by name "
                                                 "(needs the network, or an index on disk)")
    install.add_argument("package", metavar="PATH_OR_NAME")
    install.add_argument("--index", metavar="URL", help="the Argos package index (default: $ARGOS_PACKAGE_INDEX, "
                                                        "else argostranslate's)")
    install.add_argument("--sha256", metavar="HEX", help="refuse the archive unless its sha256 is this")
    install.add_argument("--tune", action="store_true",
                         help="then measure the fastest thread split for this machine (as `model tune`)")
    remove = actions.add_parser("remove", help="remove an installed model: its name, a code pair (zh_en), or the "
                                               "file or folder it was installed from")
    remove.add_argument("name", metavar="NAME")
    tune = actions.add_parser("tune", help="measure thread splits and batch sizes on this machine; keep the fastest")
    tune.add_argument("name", nargs="?", metavar="NAME", help="an installed model (default: the one auto uses)")
    tune.add_argument("--device", choices=DEVICES, default="auto")
    tune.add_argument("--sentences", type=int, default=64, metavar="N",
                      help="sentences decoded for each measurement (default: 64; fewer is quicker, less exact)")
    for action in (listing, install, remove, tune):  # `model install X --data-dir D` works too
        action.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS, help=data_dir_help)
    p.set_defaults(run=run_model)


def human_size(size: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} B"  # pragma: no cover


def run_model(args: argparse.Namespace, env: Environment) -> int:
    args.data_dir = env.data_dir(args.data_dir)
    if args.action == "list":
        return list_installed(args, env)
    if args.action == "install":
        return install(args, env)
    if args.action == "tune":
        return tune(args, env)
    info = remove_model(args.name, args.data_dir)
    env.out(f"removed {info.name} ({info.kind}, {info.path})")
    return ExitStatus.OK


def list_installed(args: argparse.Namespace, env: Environment) -> int:
    models = list_models(args.data_dir)
    chosen = find_model(args.data_dir) if models else None
    if getattr(args, "json", False):
        env.out(json.dumps({"folders": [str(packages_dir(args.data_dir)), str(models_dir(args.data_dir))],
                            "models": [{"name": m.name, "kind": m.kind, "languages": m.languages,
                                        "size_bytes": m.size_bytes(), "version": m.version, "path": str(m.path),
                                        "used": chosen is not None and m.path == chosen.path} for m in models]},
                           ensure_ascii=False, indent=1))
        return ExitStatus.OK
    if not models:
        env.out(f"no models installed in {packages_dir(args.data_dir)} or {models_dir(args.data_dir)}; "
                "the gloss engine will be used")
        return ExitStatus.OK
    rows = [("", "name", "kind", "languages", "size", "version", "threads", "path")]
    for m in models:
        plan = stored_plan(m, resolve_device("auto"), args.data_dir)
        rows.append(("*" if chosen is not None and m.path == chosen.path else " ", m.name, m.kind, m.languages,
                     human_size(m.size_bytes()), m.version or "-", plan.describe() if plan else "default",
                     str(m.path)))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        env.out("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[-1])
    return ExitStatus.OK


class DownloadProgress:
    """A download's progress: a Rich bar on a terminal, else a line at every tenth."""

    def __init__(self, env: Environment):
        self.env, self.bar, self.task, self.url, self.shown = env, None, None, None, -1

    def __call__(self, done: int, total: int | None, url: str) -> None:
        if url != self.url:  # a new link (the previous one failed)
            self.close()
            self.url, self.shown = url, -1
            if self.env.stderr_is_terminal:
                from rich.console import Console  # rich is only needed on a terminal
                from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

                self.bar = Progress("downloading", BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                                    console=Console(file=self.env.stderr))
                self.task = self.bar.add_task("download", total=total)
                self.bar.start()
            else:
                self.env.err(f"downloading {url}" + (f" ({human_size(total)})" if total else ""))
        if self.bar is not None:
            self.bar.update(self.task, completed=done, total=total)
        elif total:
            tenth = done * 10 // total
            if tenth > self.shown:
                self.shown = tenth
                self.env.err(f"  {tenth * 10}% ({human_size(done)} of {human_size(total)})")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


def install(args: argparse.Namespace, env: Environment) -> int:
    if args.sha256 is not None and (len(args.sha256) != 64 or any(c not in "0123456789abcdefABCDEF"
                                                                  for c in args.sha256)):
        raise UsageError(f"--sha256 takes 64 hex digits, not {args.sha256!r}")
    progress = DownloadProgress(env)
    try:
        info = install_model(args.package, args.data_dir, index=args.index or env.argos_index(), sha256=args.sha256,
                             progress=progress)
    finally:
        progress.close()
    env.out(f"installed {info.name} ({info.kind} {info.languages} {info.version}) in {info.path}")
    if args.tune:
        _tune(info, "auto", args.data_dir, env)
    return ExitStatus.OK


def tune(args: argparse.Namespace, env: Environment) -> int:
    model = find_model(args.data_dir, name=args.name)
    if model is None:
        raise ModelError(f"no installed zh->en model{' named ' + repr(args.name) if args.name else ''} "
                         "(see `bilingual model list`)")
    if args.sentences < 1:
        raise UsageError(f"--sentences must be 1 or more, not {args.sentences}")
    _tune(model, args.device, args.data_dir, env, args.sentences)
    return ExitStatus.OK


def _tune(model, device: str, data_dir: Path | None, env: Environment, sentences: int = 64) -> None:
    env.err(f"measuring {model.name} on this machine (each thread split and batch size; about a minute for a "
            "real model)")
    sample = (list(TUNING_SAMPLE) * (sentences // len(TUNING_SAMPLE) + 1))[:sentences]
    results = tune_model(model, device, data_dir, sentences=sample,
                         on_result=lambda m: env.err(f"  {m.plan.describe()}: {m.sentences_per_s:.1f} sentences/s"))
    for inter, _intra in candidate_splits():
        unmeasured = [b for b in TUNE_BATCH_SIZES if b not in measurable_batches(TUNE_BATCH_SIZES, sentences, inter)]
        if unmeasured:
            env.err(f"  not measured with {inter} translators: batches of {', '.join(map(str, unmeasured))} "
                    f"({sentences} sentences decode as smaller batches there; --sentences "
                    f"{inter * max(unmeasured) * 2} measures them)")
    best = results[0]
    env.out(f"fastest for {model.name}: {best.plan.describe()} ({best.sentences_per_s:.1f} sentences/s); "
            "stored, used from now on")
