"""Screenshots of the review page for the README (``make screenshots``).

Starts the service on a temporary SQLite store with the sample reports loaded, opens the page in
Debian's chromium (Playwright, no browser download) as a reviewer, and writes
``docs/screenshots/queue.png`` and ``docs/screenshots/document.png``.

    .venv/bin/python -m api.web.screenshots [--samples corpora/samples] [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import io
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
SIZE_LIMIT = 250 * 1024


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _save_small(png: bytes, out: Path) -> int:
    """Write ``png`` under SIZE_LIMIT: palette-quantised (and scaled down if it must be)."""
    from PIL import Image

    img = Image.open(io.BytesIO(png)).convert("RGB")
    while True:
        buf = io.BytesIO()
        img.quantize(colors=128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(buf, format="PNG", optimize=True)
        if buf.tell() <= SIZE_LIMIT or img.width < 600:
            out.write_bytes(buf.getvalue())
            return buf.tell()
        img = img.resize((int(img.width * 0.85), int(img.height * 0.85)), Image.Resampling.LANCZOS)


def _review_some(base: str, token: str, ids: dict[str, int], keep: str) -> None:
    """Approve one sample and correct another, so the queue shows every state a reviewer meets."""
    import httpx

    others = [i for name, i in sorted(ids.items()) if name != keep]
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=120) as c:
        if others:
            c.post(f"/documents/{others[0]}/approve")
        if len(others) > 1:
            r = c.get(f"/documents/{others[1]}/result")
            if r.status_code == 200 and r.json()["records"]:
                c.patch(f"/documents/{others[1]}/fields", headers={"If-Match": r.headers["ETag"]},
                        json={"corrections": [{"pointer": "/records/0/meta/issuer", "value": {"value": "示例单位", "raw": "示例单位"}, "reason": "示例"}]})  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=Path, default=ROOT / "corpora" / "samples")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    ap.add_argument("--document", default="farmland-2021.pdf", help="the sample shown in document.png")
    args = ap.parse_args(argv)

    import uvicorn
    from playwright.sync_api import sync_playwright

    from api.main import create_app
    from extractor.settings import Settings
    from extractor.store import crud

    files = sorted(p for p in args.samples.iterdir() if p.is_file() and p.suffix in (".pdf", ".docx", ".doc", ".xlsx", ".txt"))
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="jixiao-shots-") as tmp:
        settings = Settings(_env_file=None, data_dir=Path(tmp), database_url=f"sqlite:///{tmp}/store.db", workers=2)
        app = create_app(settings)
        port = _free_port()
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        try:
            while not server.started:
                if not thread.is_alive():
                    raise SystemExit("the service did not start")
                time.sleep(0.05)
            service = app.state.service
            with service.db.write() as s:
                _u, token = crud.issue_token(s, name="审核员", role="reviewer")
            ids = {p.name: service.ingest_path(p, unit=None)[0].id for p in files}
            if args.document not in ids:
                raise SystemExit(f"{args.document} is not among the samples")
            deadline = time.monotonic() + 600
            while True:
                with service.db.read() as s:
                    busy = sum(1 for i in ids.values() if crud.get_document(s, doc_id=i).status in ("queued", "processing"))
                if not busy:
                    break
                if time.monotonic() > deadline:
                    raise SystemExit(f"{busy} sample(s) still extracting after 600 s")
                time.sleep(0.5)
            _review_some(f"http://127.0.0.1:{port}", token, ids, keep=args.document)
            url = f"http://127.0.0.1:{port}/review"
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
                page = browser.new_page(viewport={"width": 1400, "height": 900}, device_scale_factor=1)
                page.on("console", lambda m: m.type == "error" and print(f"page: {m.text}", file=sys.stderr))
                page.on("pageerror", lambda e: print(f"page error: {e}", file=sys.stderr))
                page.goto(url)
                page.evaluate("t => sessionStorage.setItem('jixiao.token', t)", token)
                page.goto(url + "#/")
                page.wait_for_selector("#queue-table tbody tr.doc-row")
                time.sleep(0.3)
                n = _save_small(page.screenshot(full_page=False), args.out / "queue.png")
                print(f"wrote {args.out / 'queue.png'} ({n // 1024} KB)")
                page.goto(f"{url}#/doc/{ids[args.document]}")
                page.wait_for_selector("#page-img[data-loaded]")
                # the first low-confidence value with a source box (F8 jumps from one to the next), else the executed budget
                page.focus("#record [data-key]")
                for _ in range(12):
                    page.keyboard.press("F8")
                    try:
                        page.wait_for_selector("#hl:not([hidden])", timeout=1500)
                        break
                    except Exception:  # noqa: BLE001 - a value without a box: try the next one
                        continue
                else:
                    page.focus('[data-key="/records/0/budget/executed"]')
                    page.wait_for_selector("#hl:not([hidden])")
                time.sleep(0.3)
                n = _save_small(page.screenshot(full_page=False), args.out / "document.png")
                print(f"wrote {args.out / 'document.png'} ({n // 1024} KB)")
                browser.close()
        finally:
            server.should_exit = True
            thread.join(60)
    return 0


if __name__ == "__main__":
    sys.exit(main())
