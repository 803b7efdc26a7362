"""`bilingual serve`: the web page over an output folder (library, preview, downloads, upload, glossary)."""

from __future__ import annotations

import argparse
import ipaddress
import socket
from pathlib import Path

from ..errors import BilingualError, ExitStatus, UsageError
from .environment import Environment, require_folder
from .options import add_glossary_option, config_from_args


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="serve the web page over an output folder",
                       description="Serve the library, previews, downloads, uploads and the glossary editor. "
                                   "Requests are answered only for this machine's loopback names and --host "
                                   "(and --allow-host) names, so another site cannot reach the page through "
                                   "DNS rebinding.")
    p.add_argument("--out", type=Path, default=None,
                   help="output folder to serve (default: output/, made if missing; a folder named here must exist)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    p.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    p.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                   help="another host name the page is reached by (repeatable), e.g. the machine's name on the LAN")
    p.add_argument("--data-dir", type=Path, default=None, help="models and memory folder (default: XDG data dir)")
    add_glossary_option(p)
    p.set_defaults(run=run_serve)


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port; an error in one line (exit 1) when the port is taken or the address wrong."""
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host.strip("[]"), port))
        sock.listen(128)
    except OSError as e:
        sock.close()
        if e.errno in (98, 48):  # EADDRINUSE on Linux, macOS
            raise BilingualError(f"port {port} on {host} is in use (another server?); choose another with --port") \
                from None
        raise BilingualError(f"cannot listen on {host}:{port}: {e.strerror or e}") from None
    return sock


def run_serve(args: argparse.Namespace, env: Environment) -> int:
    import uvicorn  # the web stack loads only for this command

    from ..web import create_app

    if not 0 < args.port < 65536:
        raise UsageError(f"--port must be 1-65535, not {args.port}")
    if args.out is not None:
        require_folder(args.out, "the output folder")
    out = args.out or Path("output")
    args.out = out
    sock = bind(args.host, args.port)
    try:
        hosts = [args.host, *args.allow_host]
        app = create_app(config_from_args(args, env), allowed_hosts=hosts)
        if not is_loopback(args.host):
            env.err(f"bilingual: warning: listening on {args.host}, not only on this machine: anyone who can reach "
                    f"it can read the editions, upload pages and edit the glossary. Names allowed: "
                    + ", ".join(h for h in hosts if h not in ("0.0.0.0", "::")) + " and this machine's loopback; "
                    "add the names others use with --allow-host")
        env.out(f"bilingual: serving {out} on http://{args.host}:{args.port}/")
        config = uvicorn.Config(app, log_level="warning", server_header=False)
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
    return ExitStatus.OK
