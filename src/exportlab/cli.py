"""Command line: ``exportlab run | ingest | indicators | demo | params``.

``exportlab run [--profile NAME|PATH] [--stages 01 04 ...] [--force]`` runs the stage notebooks;
``exportlab ingest PATH... --out DIR`` reads raw files into the canonical trade table;
``exportlab indicators PATH... --out DIR`` reads Rosstat regional tables into the indicator table;
``exportlab demo [DIR]`` writes the synthetic demo data set; ``exportlab params [--profile NAME]``
lists the parameters with a one-line description, their allowed values and the profile's values.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any

DESCRIPTION = "exportlab: regional export analysis, one parameterised notebook per stage."
EPILOG = """commands:
  exportlab run --profile seminar        run the stages (into reports/seminar/, figures/seminar/, ...)
  exportlab params --profile seminar     every parameter, its meaning and the profile's value
  exportlab ingest data/raw/x --out DIR  read raw trade files into DIR/trade.parquet
  exportlab demo data/raw/demo           write the synthetic demo data set
Each command has its own --help."""

#: One-line descriptions of the runner's own parameters (the notebooks' come from the comments of
#: their parameters cells).
RUNNER_DOCS: dict[str, str] = {
    "demo": 'write the synthetic demo data set into raw_dir: true, false or "auto" (only into '
    "data/raw/demo)",
    "demo_size": 'size of the demo data set: "full" or "small"',
    "demo_seed": "seed of the demo data set (a whole number)",
    "cell_timeout": "seconds a notebook cell may run before its stage fails (> 0; null: no limit)",
    "show_code": "show the code cells in the HTML reports: true or false (default: hidden)",
    "stages": "stages a run of the profile runs when none are named (--stages, STAGES=): a list "
    'of ids such as ["01", "02", "04"]; null: every stage',
    "figures": '"publication" (PNG 300 dpi and SVG) or "screen" (PNG 150 dpi only, faster)',
}


def _run(args: argparse.Namespace) -> int:
    from exportlab.errors import ProfileError, ProjectBusy, StageFailed
    from exportlab.files import describe_os_error
    from exportlab.pipeline import run

    try:
        manifest = run(
            args.profile,
            args.stages,
            force=args.force,
            progress=not args.quiet,
            jobs=args.jobs,
            wait=not args.no_wait,
            show_code=True if args.show_code else None,
        )
    except (ProfileError, ValueError, ProjectBusy) as exc:
        print(f"exportlab run: {exc}", file=sys.stderr)
        return 2
    except StageFailed as exc:
        print(f"exportlab run: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # disk full, permissions: a message naming the file, no traceback
        print(f"exportlab run: {describe_os_error(exc, 'the run stopped')}", file=sys.stderr)
        return 1
    from exportlab.paths import tree_name

    ran, selected = manifest["run"]["ran"], manifest["run"]["stages"]
    tree = tree_name(manifest["profile"])
    print(
        f"done in {manifest['total_seconds']:.1f} s (profile {manifest['profile']}; "
        f"{len(ran)} of {len(selected)} stage(s) ran, {len(selected) - len(ran)} unchanged); "
        f"reports/{tree}/index.html and reports/{tree}/manifest.json written"
    )
    return 0


def _demo(args: argparse.Namespace) -> int:
    from exportlab import demo, paths
    from exportlab.errors import DemoFolderError
    from exportlab.files import describe_os_error

    target = paths.resolve(args.dir)
    try:
        demo.write_demo(target, size=args.size, seed=args.seed)
    except DemoFolderError as exc:
        print(f"exportlab demo: {exc}; name a new or empty folder", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"exportlab demo: {describe_os_error(exc, 'writing failed')}", file=sys.stderr)
        return 1
    print(f"synthetic demo data written to {target}")
    return 0


def _value(value: Any) -> str:
    import json

    try:
        return json.dumps(value, ensure_ascii=False)
    except TypeError:
        return repr(value)


def _params(args: argparse.Namespace) -> int:
    from exportlab import paths
    from exportlab.config import RUNNER_PARAMETERS, declared_parameters, load_profile
    from exportlab.errors import ProfileError
    from exportlab.report import parameter_docs

    notebooks = sorted(paths.notebooks_dir().glob("[0-9][0-9]_*.ipynb"))
    declared = declared_parameters(notebooks)
    docs: dict[str, str] = dict(RUNNER_DOCS)
    for notebook in notebooks:
        for key, doc in parameter_docs(notebook).items():
            if len(doc) > len(docs.get(key, "")):
                docs[key] = doc  # the fullest of the notebooks' comments
    profile = None
    if args.profile:
        try:
            profile = load_profile(args.profile)
        except ProfileError as exc:
            print(f"exportlab params: {exc}", file=sys.stderr)
            return 2
        print(f"profile {profile.name}: {profile.description or '(no description)'}")
        print(f"values that {profile.name} sets itself are marked *\n")
    rows = [(key, default, "runner") for key, default in RUNNER_PARAMETERS.items()]
    for key, where in declared.items():
        defaults = list(where.values())
        stages = ", ".join(sorted(name[:2] for name in where))
        rows.append(
            (key, defaults[0], f"stage {stages}" if len(where) == 1 else f"stages {stages}")
        )
    for key, default, where in sorted(rows):
        value = default
        mark = " "
        if profile is not None and key in profile.params:
            value = profile.params[key]
            mark = "*" if profile.origin.get(key) == 0 else " "
        print(f"{mark}{key} = {_value(value)}  [{where}]")
        if docs.get(key):
            print(f"      {docs[key]}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``exportlab`` command.

    Output piped into a command that stops reading early (``exportlab params | head``) ends it
    quietly, without a traceback.
    """
    try:
        code = _main(argv)
        sys.stdout.flush()
    except BrokenPipeError:
        # the reader has gone: send the rest of the output nowhere, and exit quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141  # as a shell reports a command ended by SIGPIPE (128 + 13)
    return code


def _main(argv: Sequence[str] | None = None) -> int:
    from exportlab import __version__

    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "ingest":
        from exportlab.io.ingest import main as ingest_main

        return ingest_main(argv[1:])
    if argv and argv[0] == "indicators":
        from exportlab.io.rosstat import main as indicators_main

        return indicators_main(argv[1:])
    parser = argparse.ArgumentParser(
        prog="exportlab",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"exportlab {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p_run = sub.add_parser(
        "run",
        help="run the stage notebooks with papermill",
        description="Run the stage notebooks of a profile; unchanged stages are skipped.",
    )
    p_run.add_argument(
        "--profile", default="default", help="profile name in config/ or a YAML path"
    )
    p_run.add_argument(
        "--stages",
        nargs="*",
        help="stage ids or notebook names (default: the profile's key stages, else all)",
    )
    p_run.add_argument("--force", action="store_true", help="run stages even if unchanged")
    p_run.add_argument("--quiet", action="store_true", help="no cell progress bars")
    p_run.add_argument(
        "--jobs", type=int, default=None, help="stages run at once (default: CPU cores, at most 4)"
    )
    p_run.add_argument(
        "--no-wait",
        action="store_true",
        help="stop at once when another run holds the project (default: wait for it)",
    )
    p_run.add_argument(
        "--show-code",
        action="store_true",
        help="show the code cells in the HTML reports (default: hidden; profile key show_code)",
    )
    p_run.set_defaults(func=_run)

    sub.add_parser("ingest", help="read raw files into the canonical trade table")
    sub.add_parser("indicators", help="read Rosstat regional tables into the indicator table")

    p_demo = sub.add_parser(
        "demo",
        help="write the synthetic demo data set into a new or empty folder, or one it wrote itself",
    )
    p_demo.add_argument(
        "dir", nargs="?", default="data/raw/demo", help="folder (default: data/raw/demo)"
    )
    p_demo.add_argument(
        "--size", choices=("full", "small"), default="full", help="all regions, or a few"
    )
    p_demo.add_argument("--seed", type=int, default=2021, help="random seed (default: 2021)")
    p_demo.set_defaults(func=_demo)

    p_params = sub.add_parser(
        "params",
        help="list every parameter: its meaning, allowed values and default",
        description="List every parameter with a one-line description, its allowed values "
        "and its default (or the value a profile gives it).",
    )
    p_params.add_argument(
        "--profile",
        default=None,
        help="show this profile's values (name in config/ or a YAML path)",
    )
    p_params.set_defaults(func=_params)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
