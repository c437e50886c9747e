"""Screenshots of each role's main pages at phone, tablet and desktop widths, to look at
before calling a change to the pages done.

    vinculo demo --port 8000                      # prints one password per demo user
    .venv/bin/python scripts/screenshots.py OUT --user planner:PASSWORD --user officer:PASSWORD

Logs in through the form as each user, opens the pages (``--page``, default the main
ones) at each width (``--width``, default 390, 768 and 1400 px) in Debian's Chromium, and
writes ``OUT/<user>-<page>-<width>.png`` (whole pages), printing each page's width so an
overflow shows in the listing too.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

PAGES = ("/", "/countries/", "/briefs/", "/pipeline/", "/pipeline/new/", "/registry/agreements/",
         "/registry/agreements/new/", "/registry/posts/", "/registry/renewals/")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--user", action="append", required=True, help="NAME:PASSWORD")
    parser.add_argument("--page", action="append", help="a path (repeat); default the main pages")
    parser.add_argument("--width", action="append", type=int, help="px (repeat)")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, headless=True)
        for user in args.user:
            name, _, password = user.partition(":")
            for width in args.width or (390, 768, 1400):
                context = browser.new_context(
                    base_url=args.base, locale="es-MX", viewport={"width": width, "height": 900}
                )
                page = context.new_page()
                page.goto("/accounts/login/")
                page.fill("input[name=username]", name)
                page.fill("input[name=password]", password)
                page.locator("main form button[type=submit]").click()
                page.wait_for_load_state("networkidle")
                if "/accounts/login/" in page.url:
                    print(f"{name}: the login was refused", file=sys.stderr)
                    return 1
                for path in args.page or PAGES:
                    response = page.goto(path)
                    page.wait_for_load_state("networkidle")
                    slug = re.sub(r"[^A-Za-z0-9]+", "-", path.strip("/")) or "dashboard"
                    target = args.out / f"{name}-{slug}-{width}.png"
                    page.screenshot(path=str(target), full_page=True)
                    wide = page.evaluate("document.documentElement.scrollWidth")
                    status = response.status if response else "?"
                    flag = "  OVERFLOW" if wide > width else ""
                    print(f"{target}  {status}  page width {wide}px{flag}")
                context.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
