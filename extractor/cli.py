"""The ``jixiao`` command. Each subcommand calls the same functions the API will call."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence

from . import __version__
from .errors import JixiaoError
from .settings import Settings

__all__ = ["main"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _err(msg: str) -> None:
    print(f"jixiao: {msg}", file=sys.stderr)


def _dump(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def cmd_parse(args: argparse.Namespace, settings: Settings) -> int:
    from .parsers import parse, parse_isolated
    from .render import to_markdown

    options = settings.parse_options()
    status = EXIT_OK
    for path in args.files:
        try:
            doc = parse(path, options) if args.no_isolate else parse_isolated(path, options)
        except JixiaoError as e:
            _err(str(e))
            status = EXIT_FAILED
            continue
        except Exception as e:  # only reachable with --no-isolate: a bug, reported without a traceback
            _err(f"{path}: {type(e).__name__}: {e} [internal_error] — {JixiaoError.hint}")
            status = EXIT_FAILED
            continue
        if args.format == "text":
            sys.stdout.write(doc.text)
            if not doc.text.endswith("\n"):
                sys.stdout.write("\n")
        elif args.format == "markdown":
            sys.stdout.write(to_markdown(doc))
        else:
            print(_dump(doc.to_dict()) if len(args.files) > 1 else json.dumps(doc.to_dict(), ensure_ascii=False, indent=1))
        for w in doc.warnings:
            _err(f"{path}: warning [{w.code}] {w.message}")
    return status


COMMANDS: dict[str, tuple[str, Callable[[argparse.Namespace, Settings], int]]] = {
    "parse": ("Parse a report into the Document model (JSON, normalised text or markdown).", cmd_parse),
}


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="jixiao",
        description="Turn budget-performance reports (预算绩效报告) into structured, reviewable records.",
    )
    ap.add_argument("--version", action="version", version=f"jixiao {__version__}")
    sub = ap.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    for name, (help_text, _fn) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        if name == "parse":
            p.add_argument("files", nargs="+", metavar="FILE", help="report files (format detected from the bytes)")
            fmt = p.add_mutually_exclusive_group()
            fmt.add_argument("--json", dest="format", action="store_const", const="json", help="the Document as JSON (default)")
            fmt.add_argument("--text", dest="format", action="store_const", const="text", help="the normalised text that char_span counts into")
            fmt.add_argument("--markdown", dest="format", action="store_const", const="markdown", help="readable markdown with tables")
            p.set_defaults(format="json")
            p.add_argument("--no-isolate", action="store_true", help="parse in this process (no time/memory limit; for debugging)")
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    ap = build_parser()
    try:
        args = ap.parse_args(argv)
    except SystemExit as e:  # argparse exits 2 on usage errors, 0 on --help
        return int(e.code or 0)
    if not args.command:
        ap.print_help()
        return EXIT_USAGE
    try:
        settings = Settings()
    except Exception as e:  # invalid JIXIAO_* values
        _err(f"bad settings: {e}")
        return EXIT_USAGE
    _help, fn = COMMANDS[args.command]
    try:
        return fn(args, settings)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
