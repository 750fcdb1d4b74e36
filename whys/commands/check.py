"""`whys check`: placeholder until its issue lands."""

from __future__ import annotations

import argparse

from whys.errors import BadInputError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("check", help="(not built yet)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    raise BadInputError("'whys check' is not built yet")
