"""Headless Chromium for tests: Debian's system browser driven by Playwright (no browser download)."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from contextlib import contextmanager

from PIL import Image
from playwright.sync_api import Page, sync_playwright

from dagster_project.settings import PROJECT_ROOT

ARTIFACTS = PROJECT_ROOT / "test-artifacts"
# Flags for a closed network: no background connections, no first-run or sync services.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise RuntimeError("Debian's chromium is not installed: `make test` installs it (apt-get install chromium)")
    return path


@contextmanager
def browser_page(width: int = 1600, height: int = 1000) -> Iterator[Page]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            yield browser.new_page(viewport={"width": width, "height": height})
        finally:
            browser.close()


def screenshot(page: Page, name: str, full_page: bool = True) -> Image.Image:
    """Save a screenshot under test-artifacts/ (kept by CI) and return it for inspection."""
    ARTIFACTS.mkdir(exist_ok=True)
    data = page.screenshot(path=str(ARTIFACTS / name), full_page=full_page)
    return Image.open(io.BytesIO(data)).convert("RGB")


def distinct_colours(image: Image.Image) -> int:
    """A blank or single-colour page has a handful; a rendered chart or graph has hundreds."""
    return len(image.getcolors(maxcolors=1 << 20) or [])
