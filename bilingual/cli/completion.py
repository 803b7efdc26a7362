"""`bilingual completion bash|zsh|tcsh`: a shell completion script for every command and option (shtab).

    bilingual completion bash > ~/.local/share/bash-completion/completions/bilingual
    bilingual completion zsh > ~/.zfunc/_bilingual     # with fpath+=~/.zfunc before compinit
"""

from __future__ import annotations

import argparse

from ..errors import ExitStatus
from .environment import Environment

SHELLS = ("bash", "zsh", "tcsh")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("completion", help="print a shell completion script (bash, zsh, tcsh)",
                       description="Print a completion script for SHELL. bash: save it as "
                                   "~/.local/share/bash-completion/completions/bilingual; zsh: as _bilingual in a "
                                   "folder on $fpath.")
    p.add_argument("shell", choices=SHELLS, metavar="SHELL", help=" | ".join(SHELLS))
    p.set_defaults(run=run_completion)


def run_completion(args: argparse.Namespace, env: Environment) -> int:
    import shtab  # only for this command

    from . import build_parser  # the whole command line, as the user runs it

    env.stdout.write(shtab.complete(build_parser(), shell=args.shell))
    return ExitStatus.OK
