"""The `bilingual` command: thin. Parse options, call the pipeline, map errors to exit codes.

Each command group lives in its own module with a ``register(subparsers)`` function that adds
its parser and sets ``run`` (args, environment -> exit status); ``COMMANDS`` lists them, so a
new command is one module plus one line. ``main(argv, env)`` runs a command in-process with a
given ``Environment`` (streams, environment variables), which is how the tests call it.

Exit status: 0 all done; 1 some input failed (the rest was processed); 2 usage error (bad
options, unknown command).
"""

from __future__ import annotations

import argparse
import sys

from .. import __version__
from ..errors import BilingualError, ExitStatus
from . import completion, glossary, memory, model, publish, serve, text, translate
from .environment import Environment
from .options import add_verbosity_options

COMMANDS = (translate, text, glossary, model, memory, publish, serve, completion)

EPILOG = """exit status:
  0  everything done
  1  some input failed (reported; the other files were processed)
  2  usage error
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bilingual",
        description="Offline Chinese-to-English translation and bilingual publishing.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"bilingual {__version__}")
    add_verbosity_options(parser)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.register(sub)
    for child in _subparsers(parser):  # -q/-v also after a command or an action
        add_verbosity_options(child, nested=True)
    return parser


def _subparsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in dict.fromkeys(action.choices.values()):
                found.append(child)
                found.extend(_subparsers(child))
    return found


def main(argv: list[str] | None = None, env: Environment | None = None) -> int:
    env = env or Environment()
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse printed the usage error or the help
        return int(e.code or 0)
    env.verbosity = -1 if args.quiet else min(1, args.verbose or 0)
    try:
        status = args.run(args, env)
    except BilingualError as e:
        env.err(f"bilingual: error: {e}")
        return int(e.exit_status)
    except KeyboardInterrupt:
        env.err("bilingual: interrupted")
        return 130
    except BrokenPipeError:
        return int(ExitStatus.OK)
    return int(status or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
