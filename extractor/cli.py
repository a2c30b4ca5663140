"""The ``jixiao`` command. Each subcommand calls the same functions the API will call."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

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


def _summary(res: dict) -> str:
    """A short human reading of one result (the default output of ``jixiao extract``)."""

    def v(f: object) -> object:
        return f.get("value") if isinstance(f, dict) else f

    doc = res["document"]
    out = [f"== {doc['file_name']} ({doc['format']}, {len(res['records'])} record(s))"]
    for e in res["errors"]:
        out.append(f"  ! {e['code']}: {e['message']}")
    for n, rec in enumerate(res["records"], start=1):
        m, b, s = rec["meta"], rec["budget"], rec["score"]
        out.append(f"  [{n}] {m['doc_type']}  {v(m.get('title')) or ''}")
        for k in ("fiscal_year", "report_date", "issuer", "supervising_dept", "implementing_unit", "project_name"):
            if m.get(k):
                out.append(f"      {k:18s} {v(m[k])}")
        for k in ("initial", "full_year", "executed", "execution_rate_reported"):
            if b.get(k):
                out.append(f"      budget.{k:11s} {v(b[k])}   ({b[k]['raw']})")
        if b.get("execution_rate_computed"):
            out.append(f"      budget.rate_computed {b['execution_rate_computed']}")
        if s.get("total_reported") or s.get("total_computed"):
            out.append(f"      score              reported {v(s.get('total_reported'))}, computed {s.get('total_computed')}, grade {v(s.get('grade_reported'))} / {s.get('grade_computed')}")
        out.append(f"      amounts            {len(rec['amounts'])}: " + ", ".join(f"{a['text']}={a['value_yuan']}({a['role']})" for a in rec["amounts"][:12]) + (" …" if len(rec["amounts"]) > 12 else ""))
        out.append(f"      indicators         {len(rec['indicators'])}")
        bad = [f"{c['check_id']}:{c['status']}" for c in rec["validations"] if c["status"] in ("fail", "warn")]
        if bad:
            out.append(f"      checks             {' '.join(bad)}")
    return "\n".join(out) + "\n"


def cmd_extract(args: argparse.Namespace, settings: Settings) -> int:
    from .pipeline import failed_result, process_file

    options = settings.parse_options()
    extract_options = settings.extract_options()
    status = EXIT_OK
    results = []
    for path in args.files:
        try:
            res = process_file(path, options, extract_options, isolate=not args.no_isolate)
        except JixiaoError as e:
            _err(str(e))
            status = EXIT_FAILED
            res = failed_result(path, e)
        except Exception as e:  # only reachable with --no-isolate: a bug, reported without a traceback
            _err(f"{path}: {type(e).__name__}: {e} [internal_error] — {JixiaoError.hint}")
            status = EXIT_FAILED
            continue
        results.append(res)
        if args.json:
            print(_dump(res) if len(args.files) > 1 else json.dumps(res, ensure_ascii=False, indent=1))
        else:
            sys.stdout.write(_summary(res))
    if args.xlsx:
        from .export import write_xlsx

        out = write_xlsx(results, args.xlsx)
        if not args.json:
            print(f"wrote {out} ({len(results)} file(s))")
    return status


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from .evaluate import evaluate, format_report

    corpus = Path(args.corpus)
    if any(corpus.glob("*.gold.json")) or args.labels:  # issue #5: problems, measures, sections, document type
        return _eval_labelled(args, corpus, Path(args.labels) if args.labels else None)
    if not (corpus / "gold").is_dir() and not (corpus / "MANIFEST.tsv").exists():
        _err(f"{corpus}: not a labelled corpus (no gold/ and no MANIFEST.tsv)")
        return EXIT_USAGE
    split = args.split
    if split is None:
        default = Path(__file__).resolve().parent.parent / "corpora" / f"{corpus.name}-split.toml"
        split = str(default) if default.exists() else None
    extra = list(args.gold or [])
    if not args.gold:
        default_gold = Path(__file__).resolve().parent.parent / "corpora" / f"{corpus.name}-gold-heldout"
        if default_gold.is_dir():
            extra.append(str(default_gold))
    rep = evaluate(corpus, split_file=split, extra_gold=extra, verbose=args.verbose)
    labels = Path(__file__).resolve().parent.parent / "corpora" / f"{corpus.name}-labels"
    fails: list[str] = []
    if labels.is_dir() and any(labels.glob("*.json")):  # issue #5 labels kept apart from the corpus
        from .eval_labelled import check_minimums, evaluate_labelled

        rep["labelled"] = evaluate_labelled(corpus, labels, verbose=True)
        fails = check_minimums(rep["labelled"], args.min or [])
    elif args.min:
        fails = [f"--min: {corpus} has no issue-#5 labels (give --labels DIR)"]
    if args.json:
        print(json.dumps(rep, ensure_ascii=False, indent=1))
    else:
        sys.stdout.write(format_report(rep))
        if "labelled" in rep:
            from .eval_labelled import format_labelled

            sys.stdout.write("\n" + format_labelled(rep["labelled"]))
    for f in fails:
        _err(f"below threshold: {f}")
    return EXIT_FAILED if fails else EXIT_OK


def _eval_labelled(args: argparse.Namespace, corpus: object, labels: object) -> int:
    from .eval_labelled import check_minimums, evaluate_labelled, format_labelled

    rep = evaluate_labelled(corpus, labels, verbose=True)  # type: ignore[arg-type]
    if not rep["splits"]["all"]["documents"]:
        _err(f"{corpus}: no labelled document found")
        return EXIT_USAGE
    if args.json:
        print(json.dumps(rep, ensure_ascii=False, indent=1))
    else:
        sys.stdout.write(format_labelled(rep))
    fails = check_minimums(rep, args.min or [])
    for f in fails:
        _err(f"below threshold: {f}")
    return EXIT_FAILED if fails else EXIT_OK


def cmd_train(args: argparse.Namespace, settings: Settings) -> int:
    import time

    from .train import train

    t0 = time.perf_counter()
    try:
        cards = train(args.corpora, args.out, log=print, **({"gen_n": 0, "gen_test_n": 0} if args.no_generated else {}))
    except ValueError as e:
        _err(str(e))
        return EXIT_USAGE
    print(f"wrote {len(cards)} models to {args.out} in {time.perf_counter() - t0:.1f} s")
    return EXIT_OK


def cmd_user(args: argparse.Namespace, settings: Settings) -> int:
    from .store import crud
    from .store.db import Database

    db = Database(settings.sqlalchemy_url())
    try:
        db.upgrade()
        if args.action == "add":
            with db.write() as s:
                user, token = crud.issue_token(s, name=args.name, role=args.role, unit=args.unit, rotate=args.rotate)
            print(token)
            _err(f"user {user.name!r} ({user.role}{', ' + user.unit if user.unit else ''}): the token above is shown once, only its hash is kept")
        else:
            from sqlalchemy import select

            from .store.models import User

            with db.read() as s:
                for u in s.scalars(select(User).order_by(User.id)):
                    print("\t".join([str(u.id), u.name, u.role, u.unit or "", "disabled" if u.disabled else ""]).rstrip())
    except JixiaoError as e:
        _err(str(e))
        return EXIT_USAGE
    finally:
        db.dispose()
    return EXIT_OK


def cmd_db(args: argparse.Namespace, settings: Settings) -> int:
    from .store.db import Database

    db = Database(settings.sqlalchemy_url())
    db.upgrade()
    db.dispose()
    print(f"database at the newest schema: {db.engine.url.render_as_string(hide_password=True)}")
    return EXIT_OK


_LOADABLE = {".pdf", ".docx", ".doc", ".wps", ".rtf", ".xlsx", ".xls", ".txt", ".html", ".htm"}


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    import uvicorn

    from api.main import create_app

    files: list[Path] = []
    for item in args.load or []:
        p = Path(item)
        files.extend(sorted(f for f in p.iterdir() if f.is_file() and f.suffix.lower() in _LOADABLE) if p.is_dir() else [p])
    url = f"http://{args.host}:{args.port}"

    def on_start(service) -> None:  # noqa: ANN001
        from .store import crud

        if args.reviewer_token:
            with service.db.write() as s:
                _user, token = crud.issue_token(s, name=args.reviewer_token, role="reviewer", rotate=True)
        loaded = 0
        for f in files:
            try:
                service.ingest_path(f)
                loaded += 1
            except JixiaoError as e:
                _err(f"not loaded: {e}")
        print(f"jixiao {__version__} serving at {url}  (API documentation: {url}/docs)", flush=True)
        print(f"review page (审核页面): {url}/review  (log in with a token)", flush=True)
        if files:
            print(f"loaded {loaded} of {len(files)} file(s); extraction runs in the background", flush=True)
        if args.reviewer_token:
            print(f"reviewer token ({args.reviewer_token}): {token}", flush=True)
            print(f"try: curl -H 'Authorization: Bearer {token}' {url}/documents", flush=True)

    app = create_app(settings, on_start=on_start)
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)
    return EXIT_OK


def cmd_batch(args: argparse.Namespace, settings: Settings) -> int:
    from .batch import run_batch
    from .batch.report import write_report

    if args.workers is not None and args.workers < 1:
        _err("--workers must be at least 1")
        return EXIT_USAGE
    if args.scheduler and not args.scheduler.startswith(("tcp://", "tls://", "inproc://", "ucx://")):
        _err(f"--scheduler {args.scheduler!r}: give the Dask scheduler's address, e.g. tcp://host:8786")
        return EXIT_USAGE
    try:
        summary = run_batch(args.paths, settings, workers=args.workers, scheduler=args.scheduler, reprocess=args.reprocess)
    except JixiaoError as e:  # the store, the models or the cluster: nothing to process with
        _err(str(e))
        return EXIT_FAILED
    except OSError as e:  # e.g. the Dask scheduler is not reachable
        _err(f"batch: {type(e).__name__}: {e}")
        return EXIT_FAILED
    sys.stdout.write(summary.text())
    if args.out:
        print(f"wrote {write_report(summary, args.out)}")
    return EXIT_FAILED if summary.failed else EXIT_OK


COMMANDS: dict[str, tuple[str, Callable[[argparse.Namespace, Settings], int]]] = {
    "parse": ("Parse a report into the Document model (JSON, normalised text or markdown).", cmd_parse),
    "extract": ("Extract the structured record(s) of each report (SCHEMA.md).", cmd_extract),
    "eval": ("Score extraction against a labelled corpus, field by field.", cmd_eval),
    "train": ("Rebuild the models in models/ (document type, problems, measures) from corpora/, reproducibly.", cmd_train),
    "serve": ("Run the service (HTTP API, OpenAPI at /docs) on the store in JIXIAO_DATA_DIR / JIXIAO_DATABASE_URL.", cmd_serve),
    "user": ("Manage API users: 'user add NAME --role unit|reviewer|admin [--unit UNIT]' prints a token.", cmd_user),
    "db": ("Store maintenance: 'db upgrade' applies the database migrations.", cmd_db),
    "batch": ("Re-process folders and zip archives into the store: resumable, isolated, parallel (local or Dask).", cmd_batch),
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
        elif name == "extract":
            p.add_argument("files", nargs="+", metavar="FILE", help="report files (format detected from the bytes)")
            p.add_argument("--json", action="store_true", help="the SCHEMA.md result: one JSON object per file (one per line for several files)")
            p.add_argument("--xlsx", metavar="OUT", help="also write every file's fields to this workbook")
            p.add_argument("--no-isolate", action="store_true", help="parse in this process (no time/memory limit; for debugging)")
        elif name == "serve":
            p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
            p.add_argument("--port", type=int, default=8000, help="port (default: %(default)s)")
            p.add_argument("--load", action="append", metavar="PATH", help="queue these report files (or the reports in this folder) at start")
            p.add_argument("--reviewer-token", metavar="NAME", help="create reviewer NAME (or give it a new token) and print the token")
            p.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
        elif name == "user":
            us = p.add_subparsers(dest="action", metavar="ACTION", required=True)
            add = us.add_parser("add", help="create a user and print its API token")
            add.add_argument("name")
            add.add_argument("--role", required=True, choices=["unit", "reviewer", "admin"])
            add.add_argument("--unit", help="the budget unit (required for --role unit)")
            add.add_argument("--rotate", action="store_true", help="give an existing user a new token (the old one stops working)")
            us.add_parser("list", help="list users")
        elif name == "db":
            ds = p.add_subparsers(dest="action", metavar="ACTION", required=True)
            ds.add_parser("upgrade", help="apply the migrations shipped with jixiao")
        elif name == "batch":
            p.add_argument("paths", nargs="+", metavar="PATH", help="report files, folders (recursive) and zip archives")
            p.add_argument("--workers", type=int, metavar="N", help="local worker processes (default: JIXIAO_WORKERS)")
            p.add_argument("--scheduler", metavar="ADDR", help="run on a Dask distributed cluster, e.g. tcp://host:8786")
            p.add_argument("--reprocess", action="store_true", help="process files again even when their bytes and versions are unchanged")
            p.add_argument("--out", metavar="XLSX", help="write the batch report (files, reasons, changes) to this workbook")
        elif name == "eval":
            p.add_argument("corpus", nargs="?", default="../shared/corpora/real-dev", help="a corpus directory with gold/*.json and/or MANIFEST.tsv (default: %(default)s)")
            p.add_argument("--split", metavar="TOML", help="which documents are development (default: corpora/<corpus>-split.toml when present)")
            p.add_argument("--gold", action="append", metavar="DIR", help="more gold files for the corpus's documents (default: corpora/<corpus>-gold-heldout when present)")
            p.add_argument("--json", action="store_true", help="the report as JSON")
            p.add_argument("-v", "--verbose", action="store_true", help="list every miss per document")
            p.add_argument("--labels", metavar="DIR", help="issue-#5 gold files (NNN.json) for the corpus's documents (default: corpora/<corpus>-labels when present)")
            p.add_argument("--min", action="append", metavar="FIELD=VALUE", help="exit 1 when FIELD (problems, measures, problem_categories, measure_categories, sections: F1; doc_type: accuracy) is below VALUE on the test split")
        elif name == "train":
            root = Path(__file__).resolve().parent.parent
            p.add_argument("--corpora", default=str(root / "corpora"), metavar="DIR", help="corpora directory (reportgen.py, labelled/) (default: %(default)s)")
            p.add_argument("--out", default=str(root / "models"), metavar="DIR", help="where the models and their cards go (default: %(default)s)")
            p.add_argument("--no-generated", action="store_true", help="train on the hand-labelled train split only (not the committed models' recipe)")
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
