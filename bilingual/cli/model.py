"""`bilingual model list | install PATH_OR_NAME | remove NAME`: the Argos zh->en packages."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..engines.argos import find_zh_en_package
from ..engines.packages import install_package, list_packages, packages_dir, remove_package
from ..errors import ExitStatus
from .environment import Environment


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("model", help="list, install or remove translation models (Argos packages)",
                       description="Manage the Argos zh->en packages the neural engine runs on.")
    p.add_argument("--data-dir", type=Path, default=None,
                   help="keep packages in DIR/packages (default: where argostranslate keeps them)")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions.add_parser("list", help="show installed packages; * marks the one --engine auto uses")
    install = actions.add_parser("install", help="install an .argosmodel file, or a package by name from the "
                                                 "Argos index (needs the network)")
    install.add_argument("package", metavar="PATH_OR_NAME")
    remove = actions.add_parser("remove", help="remove an installed package by folder name or code pair (zh_en)")
    remove.add_argument("name", metavar="NAME")
    p.set_defaults(run=run_model)


def run_model(args: argparse.Namespace, env: Environment) -> int:
    if args.action == "list":
        packages = list_packages(args.data_dir)
        if not packages:
            env.out(f"no packages installed in {packages_dir(args.data_dir)}; the gloss engine will be used")
            return ExitStatus.OK
        chosen = find_zh_en_package(args.data_dir)
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
