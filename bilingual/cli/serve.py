"""`bilingual serve`: the web page over an output folder (library, preview, downloads, upload, glossary)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import ExitStatus, UsageError
from .environment import Environment
from .options import add_glossary_option, config_from_args


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="serve the web page over an output folder",
                       description="Serve the library, previews, downloads, uploads and the glossary editor.")
    p.add_argument("--out", type=Path, default=Path("output"), help="output folder to serve (default: output/)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    p.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    p.add_argument("--data-dir", type=Path, default=None, help="models and memory folder (default: XDG data dir)")
    add_glossary_option(p)
    p.set_defaults(run=run_serve)


def run_serve(args: argparse.Namespace, env: Environment) -> int:
    import uvicorn  # the web stack loads only for this command

    from ..web import create_app

    if not 0 < args.port < 65536:
        raise UsageError(f"--port must be 1-65535, not {args.port}")
    app = create_app(config_from_args(args, env))
    env.out(f"bilingual: serving {args.out} on http://{args.host}:{args.port}/")
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", server_header=False)
    return ExitStatus.OK
