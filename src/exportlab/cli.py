"""Command line: ``exportlab run | ingest | demo | params``.

``exportlab run [--profile NAME|PATH] [--stages 01 04 ...] [--force]`` runs the stage notebooks;
``exportlab ingest PATH... --out DIR`` reads raw files into the canonical trade table;
``exportlab indicators PATH... --out DIR`` reads Rosstat regional tables into the indicator table;
``exportlab demo [DIR]`` writes the synthetic demo data set; ``exportlab params`` lists the parameters.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def _run(args: argparse.Namespace) -> int:
    from exportlab.config import ProfileError
    from exportlab.pipeline import ProjectBusy, StageFailed, describe_os_error, run

    try:
        manifest = run(
            args.profile,
            args.stages,
            force=args.force,
            progress=not args.quiet,
            jobs=args.jobs,
            wait=not args.no_wait,
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
    ran, selected = manifest["run"]["ran"], manifest["run"]["stages"]
    print(
        f"done in {manifest['total_seconds']:.1f} s (profile {manifest['profile']}; "
        f"{len(ran)} of {len(selected)} stage(s) ran, {len(selected) - len(ran)} unchanged); "
        "reports/manifest.json written"
    )
    return 0


def _demo(args: argparse.Namespace) -> int:
    from exportlab import demo, paths
    from exportlab.pipeline import describe_os_error

    target = paths.resolve(args.dir)
    try:
        demo.write_demo(target, size=args.size, seed=args.seed)
    except demo.DemoFolderError as exc:
        print(f"exportlab demo: {exc}; name a new or empty folder", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"exportlab demo: {describe_os_error(exc, 'writing failed')}", file=sys.stderr)
        return 1
    print(f"synthetic demo data written to {target}")
    return 0


def _params(args: argparse.Namespace) -> int:
    from exportlab import paths
    from exportlab.config import RUNNER_PARAMETERS, declared_parameters

    declared = declared_parameters(sorted(paths.notebooks_dir().glob("[0-9][0-9]_*.ipynb")))
    for key, default in sorted(RUNNER_PARAMETERS.items()):
        print(f"{key} = {default!r}  [runner]")
    for key, where in sorted(declared.items()):
        defaults = {repr(v) for v in where.values()}
        print(f"{key} = {' | '.join(sorted(defaults))}  [{', '.join(sorted(where))}]")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``exportlab`` command."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "ingest":
        from exportlab.io.ingest import main as ingest_main

        return ingest_main(argv[1:])
    if argv and argv[0] == "indicators":
        from exportlab.io.rosstat import main as indicators_main

        return indicators_main(argv[1:])
    parser = argparse.ArgumentParser(prog="exportlab", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p_run = sub.add_parser("run", help="run the stage notebooks with papermill")
    p_run.add_argument(
        "--profile", default="default", help="profile name in config/ or a YAML path"
    )
    p_run.add_argument("--stages", nargs="*", help="stage ids or notebook names (default: all)")
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
    p_run.set_defaults(func=_run)

    sub.add_parser("ingest", help="read raw files into the canonical trade table (see --help)")
    sub.add_parser(
        "indicators", help="read Rosstat regional tables into the indicator table (see --help)"
    )

    p_demo = sub.add_parser(
        "demo",
        help="write the synthetic demo data set into a new or empty folder, or one it wrote itself",
    )
    p_demo.add_argument("dir", nargs="?", default="data/raw/demo")
    p_demo.add_argument("--size", choices=("full", "small"), default="full")
    p_demo.add_argument("--seed", type=int, default=2021)
    p_demo.set_defaults(func=_demo)

    p_params = sub.add_parser("params", help="list every parameter with its default")
    p_params.set_defaults(func=_params)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
