"""Screenshots of the main pages at a phone's and a laptop's width, for the
gallery in docs/screenshots/ (README links it). Builds its own demo site from
scratch (bench/demo_server.py), signs in through the real form as the demo client
and the demo escort for their pages, and writes one JPEG per page and width plus
docs/screenshots/README.md.

    .venv/bin/python bench/screenshots.py                 # every page
    .venv/bin/python bench/screenshots.py --only home,profile --keep-data

A page that does not answer 200 is left out of the gallery with a note (the run
still fails at the end, so a broken page is never silently missing)."""

from __future__ import annotations

import argparse
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from demo_server import demo_paths, demo_site  # noqa: E402
from own_stores import ROOT  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
WIDTHS = {"phone": (390, 844), "desktop": (1366, 900)}
DEMO_PASSWORD = "premium-demo-2026"  # noqa: S105 - the documented demo login


@dataclass(frozen=True)
class Shot:
    key: str
    title: str
    path: str  # may name a demo path key in braces: "{profile}"
    user: str | None = None  # demo email to sign in as


SHOTS = (
    Shot("home", "Home", "/"),
    Shot("city", "City page", "{city}"),
    Shot("search", "Search with filters", "{search}"),
    Shot("profile", "Profile", "{profile}"),
    Shot("sign-in", "Sign in", "/accounts/login/"),
    Shot("sign-up", "Join", "/accounts/signup/"),
    Shot("not-found", "Not found (404)", "/no-such-page/"),
    Shot("styleguide", "Style guide", "/styleguide/"),
    Shot("client-dashboard", "Client dashboard", "/dashboard/", "client@demo.test"),
    Shot(
        "client-bookings", "Client bookings", "/dashboard/bookings/", "client@demo.test"
    ),
    Shot("favourites", "Saved profiles", "/dashboard/favourites/", "client@demo.test"),
    Shot(
        "booking-request",
        "Booking request",
        "/dashboard/bookings/request/{profile_id}/",
        "client@demo.test",
    ),
    Shot("notifications", "Notifications", "/notifications/", "client@demo.test"),
    Shot("messages", "Messages", "/messages/", "client@demo.test"),
    Shot("provider-dashboard", "Provider dashboard", "/dashboard/", "escort@demo.test"),
    Shot(
        "provider-bookings",
        "Provider bookings",
        "/dashboard/bookings/",
        "escort@demo.test",
    ),
    Shot("profile-editor", "Profile editor", "/dashboard/profile/", "escort@demo.test"),
    Shot(
        "hours-editor",
        "Hours and booking policy",
        "/dashboard/bookings/hours/",
        "escort@demo.test",
    ),
)


def sign_in(page, base: str, email: str) -> None:  # noqa: ANN001 - Playwright Page
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.locator("form [type=submit]").last.click()
    page.wait_for_load_state("load")


def take(browser, base: str, shots, paths: dict[str, str]) -> dict:  # noqa: ANN001
    taken: dict[str, list[str]] = {}
    failed: list[str] = []
    for width_name, (width, height) in WIDTHS.items():
        contexts: dict[str | None, object] = {}
        for shot in shots:
            if shot.user not in contexts:
                size = {"width": width, "height": height}
                context = browser.new_context(viewport=size)
                if shot.user:
                    sign_in(context.new_page(), base, shot.user)
                contexts[shot.user] = context
            page = contexts[shot.user].new_page()
            response = page.goto(base + shot.path.format(**paths))
            page.wait_for_load_state("networkidle")
            expected = 404 if shot.key == "not-found" else 200
            if response is None or response.status != expected:
                status = response.status if response else "no response"
                failed.append(f"{shot.key} ({width_name}): {status} at {page.url}")
                page.close()
                continue
            name = f"{shot.key}-{width_name}.jpg"
            page.screenshot(path=OUT / name, full_page=True, type="jpeg", quality=70)
            taken.setdefault(shot.key, []).append(name)
            page.close()
        for context in contexts.values():
            context.close()
    return {"taken": taken, "failed": failed}


def write_gallery(shots, taken: dict[str, list[str]], failed: list[str]) -> None:  # noqa: ANN001
    lines = [
        "# Screenshots",
        "",
        "Taken by `bench/screenshots.py` from a demo site built from scratch, at",
        "390 px (phone) and 1366 px (laptop). Run it again after changing a page.",
        "",
    ]
    for shot in shots:
        if shot.key not in taken:
            continue
        who = f" (signed in as {shot.user})" if shot.user else ""
        lines += [f"## {shot.title}{who}", ""]
        lines += [f"![{shot.title}, {name}]({name})" for name in taken[shot.key]]
        lines.append("")
    if failed:
        lines += ["## Not taken", "", *(f"- {line}" for line in failed), ""]
    (OUT / "README.md").write_text("\n".join(lines))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="", help="comma-separated shot keys")
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument("--keep-data", action="store_true")
    args = parser.parse_args(argv)
    wanted = {key for key in args.only.split(",") if key}
    shots = [s for s in SHOTS if not wanted or s.key in wanted]

    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    if not wanted:
        for old in OUT.glob("*.jpg"):
            old.unlink()
    with (
        demo_site(
            name="bench_screenshots",
            redis_db=8,
            port=args.port,
            keep_data=args.keep_data,
        ) as site,
        sync_playwright() as playwright,
    ):
        paths = demo_paths(site.env)
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"),
            args=["--no-sandbox", "--disable-gpu"],
        )
        result = take(browser, site.base, shots, paths)
        browser.close()
    write_gallery(shots, result["taken"], result["failed"])
    count = sum(len(names) for names in result["taken"].values())
    print(f"{count} screenshots in {OUT.relative_to(ROOT)}")
    for line in result["failed"]:
        print(f"not taken: {line}")
    return 1 if result["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
