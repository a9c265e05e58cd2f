"""Lighthouse scores of the main public pages, on phone and desktop, over a demo
site built from scratch (bench/demo_server.py: fresh database, seeded, served by
uvicorn with DEBUG off on 127.0.0.1).

    .venv/bin/python bench/lighthouse.py                  # every page, both forms
    .venv/bin/python bench/lighthouse.py --pages home,city --forms mobile
    .venv/bin/python bench/lighthouse.py --keep-data      # reuse the last database

Two passes: the first right after the server starts (first-seen: cold caches,
nothing compiled or cached yet), the second over the same URLs (cached). For each
page and form it prints the four category scores (0-100) and, for any category
under ``--target`` (95), the audits that cost it points. Exits 1 when a score of
the cached pass is under the target with ``--strict``; it never runs in the test
suite (its smoke test only checks the arguments and the report's parsing).

Lighthouse comes from npm, pinned in bench/package.json (12.2.3: 13 wants Node 22);
``npm ci --prefix bench`` installs it, and this script does so when it is missing.
It drives Debian's Chromium (``CHROME_PATH``, default ``which chromium``)."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from demo_server import bench_root, demo_paths, demo_site  # noqa: E402

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
FORMS = ("mobile", "desktop")
PAGES = ("home", "city", "profile", "search", "sign-in")
ATTEMPTS = 3


def lighthouse_binary() -> Path:
    binary = bench_root() / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        subprocess.run(  # noqa: S603 - fixed command, the npm registry only
            ["npm", "ci", "--no-audit", "--no-fund", "--prefix", str(bench_root())],  # noqa: S607
            check=True,
        )
    return binary


def run_lighthouse(url: str, form: str, out: Path) -> dict:
    chrome = os.environ.get("CHROME_PATH") or shutil.which("chromium")
    if not chrome:
        raise SystemExit("Chromium is missing: apt-get install chromium")
    command = [
        str(lighthouse_binary()),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
    ]
    if form == "desktop":
        command.append("--preset=desktop")
    # Lighthouse 12 with a newer Chromium now and then fails to record the trace
    # (NO_NAVSTART): such a run measured nothing, so it is run again.
    for attempt in range(1, ATTEMPTS + 1):
        done = subprocess.run(  # noqa: S603 - our pinned lighthouse, a loopback URL
            command, check=False, env={**os.environ, "CHROME_PATH": chrome}
        )
        if done.returncode == 0:
            return json.loads(out.read_text())
        print(f"lighthouse failed on {url} ({form}), attempt {attempt}", flush=True)
    raise SystemExit(f"lighthouse failed {ATTEMPTS} times on {url} ({form})")


def scores_of(report: dict) -> dict[str, int]:
    return {
        key: round((report["categories"][key]["score"] or 0) * 100)
        for key in CATEGORIES
    }


def lost_points(report: dict, category: str) -> list[str]:
    """The audits of ``category`` that scored under 1, heaviest first."""
    refs = report["categories"][category]["auditRefs"]
    audits = report["audits"]
    lost = [
        (ref["weight"], audits[ref["id"]])
        for ref in refs
        if ref["weight"] > 0
        and audits[ref["id"]]["score"] is not None
        and audits[ref["id"]]["score"] < 1
    ]
    lost.sort(key=lambda item: -item[0])
    return [
        f"{audit['id']} ({audit['score']:.2f}): {audit.get('displayValue', '')}".rstrip(
            ": "
        )
        for _, audit in lost
    ]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--forms", default=",".join(FORMS))
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument("--target", type=int, default=95)
    parser.add_argument("--keep-data", action="store_true")
    parser.add_argument("--strict", action="store_true")
    parser.add_argument("--json", type=Path, help="write every score here")
    args = parser.parse_args(argv)
    args.pages = [p for p in args.pages.split(",") if p]
    args.forms = [f for f in args.forms.split(",") if f]
    unknown = set(args.pages) - set(PAGES) | set(args.forms) - set(FORMS)
    if unknown:
        parser.error(f"unknown page or form: {', '.join(sorted(unknown))}")
    return args


def print_row(pass_name: str, page: str, form: str, scores: dict[str, int]) -> None:
    cells = " ".join(f"{scores[key]:>5}" for key in CATEGORIES)
    print(f"{pass_name:<10} {page:<8} {form:<7} {cells}", flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    results: list[dict] = []
    with (
        demo_site(
            name="bench_lighthouse",
            redis_db=15,
            port=args.port,
            keep_data=args.keep_data,
        ) as site,
        tempfile.TemporaryDirectory() as tmp,
    ):
        paths = demo_paths(site.env)
        print(f"{'pass':<10} {'page':<8} {'form':<7}  perf  a11y  best   seo")
        for pass_name in ("first-seen", "cached"):
            for page in args.pages:
                for form in args.forms:
                    out = Path(tmp) / f"{pass_name}-{page}-{form}.json"
                    report = run_lighthouse(site.url(paths[page]), form, out)
                    scores = scores_of(report)
                    print_row(pass_name, page, form, scores)
                    low = [k for k in CATEGORIES if scores[k] < args.target]
                    for category in low:
                        for line in lost_points(report, category)[:6]:
                            print(f"{'':<28}{category}: {line}")
                    results.append(
                        {
                            "run": pass_name,
                            "page": page,
                            "path": paths[page],
                            "form": form,
                            **scores,
                        }
                    )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    cached = [r for r in results if r["run"] == "cached"]
    under = [r for r in cached if min(r[k] for k in CATEGORIES) < args.target]
    lowest = min((min(r[k] for k in CATEGORIES) for r in cached), default=0)
    print(f"lowest cached score: {lowest}; under {args.target}: {len(under)}")
    return 1 if args.strict and under else 0


if __name__ == "__main__":
    sys.exit(main())
