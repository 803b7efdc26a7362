"""The `bilingual` command: thin. Parse options, call the pipeline, map errors to exit codes.

Each command group lives in its own module with a ``register(subparsers)``
function that adds its parser and sets ``run`` (args -> exit status).

Exit status: 0 all done; 1 some input failed (the rest was processed);
2 usage error (bad options, unknown command).
"""

from __future__ import annotations

import argparse
import sys
from importlib import import_module

from .. import __version__
from ..errors import BilingualError, ExitStatus

# One line per command module; a new command is one module plus one line here.
COMMAND_MODULES = ("translate", "text", "glossary", "model", "memory", "publish", "serve")

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
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as e:
            if e.name == f"{__name__}.{name}":  # command group not built yet
                continue
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status = args.run(args)
    except BilingualError as e:
        print(f"bilingual: error: {e}", file=sys.stderr)
        return int(e.exit_status)
    except KeyboardInterrupt:
        print("bilingual: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return int(ExitStatus.OK)
    return int(status or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
