"""`bilingual model list | install PATH_OR_NAME | remove NAME`: the Argos zh->en packages."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..engines.argos import find_zh_en_package
from ..engines.packages import install_package, list_packages, packages_dir, remove_package
from ..errors import ExitStatus
from .environment import Environment


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("model", help="list, install or remove translation models (Argos packages)",
                       description="Manage the Argos zh->en packages the neural engine runs on.")
    data_dir_help = "keep packages in DIR/packages (default: the config file's data_dir, else where argostranslate " \
                    "keeps them)"
    p.add_argument("--data-dir", type=Path, default=None, help=data_dir_help)
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = actions.add_parser("list", help="show installed packages; * marks the one --engine auto uses")
    listing.add_argument("--json", action="store_true", help="print JSON")
    install = actions.add_parser("install", help="install an .argosmodel file, or a package by name from the "
                                                 "Argos index (needs the network)")
    install.add_argument("package", metavar="PATH_OR_NAME")
    remove = actions.add_parser("remove", help="remove an installed package by folder name or code pair (zh_en)")
    remove.add_argument("name", metavar="NAME")
    for action in (listing, install, remove):  # --data-dir also after the action
        action.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS, help=data_dir_help)
    p.set_defaults(run=run_model)


def run_model(args: argparse.Namespace, env: Environment) -> int:
    args.data_dir = env.data_dir(args.data_dir)
    if args.action == "list":
        packages = list_packages(args.data_dir)
        chosen = find_zh_en_package(args.data_dir) if packages else None
        if args.json:
            env.out(json.dumps({"folder": str(packages_dir(args.data_dir)), "packages": [
                {"name": i.name, "from": i.from_code, "to": i.to_code, "version": i.version,
                 "path": str(i.path) if i.path else None, "used": i.path == chosen} for i in packages]},
                ensure_ascii=False, indent=1))
            return ExitStatus.OK
        if not packages:
            env.out(f"no packages installed in {packages_dir(args.data_dir)}; the gloss engine will be used")
            return ExitStatus.OK
        for info in packages:
            mark = "*" if info.path == chosen else " "
            env.out(f"{mark} {info.name}  {info.from_code}->{info.to_code}  {info.version or '-'}  {info.path}")
        return ExitStatus.OK
    if args.action == "install":
        info = install_package(args.package, args.data_dir)
        env.out(f"installed {info.name} ({info.from_code}->{info.to_code} {info.version}) in {info.path}")
        return ExitStatus.OK
    info = remove_package(args.name, args.data_dir)
    env.out(f"removed {info.name}")
    return ExitStatus.OK
