"""Headless Chromium driven by selenium, for checking the HTML report as people see it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
INSTALL_HINT = (
    "the HTML report tests need Chromium and its driver: "
    "apt-get install -y chromium chromium-driver (done by .ci/run), "
    "and selenium: pip install -e '.[test]'"
)
CHROMIUM_ARGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1400,1000",
)


def _executable(preferred: str, name: str) -> str:
    if Path(preferred).is_file():
        return preferred
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{preferred} not found; {INSTALL_HINT}")
    return found


@contextmanager
def chromium(profile_dir: Path) -> Iterator:
    """A selenium ``WebDriver`` for headless Chromium with a fresh profile in ``profile_dir``.

    Fails the test (never skips it) when Chromium, chromedriver or selenium is missing.
    """
    try:
        from selenium import webdriver
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.fail(f"selenium is not installed; {INSTALL_HINT}")
    options = webdriver.ChromeOptions()
    options.binary_location = _executable(CHROMIUM, "chromium")
    for arg in CHROMIUM_ARGS:
        options.add_argument(arg)
    options.add_argument(f"--user-data-dir={profile_dir}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=_executable(CHROMEDRIVER, "chromedriver"))
    try:
        driver = webdriver.Chrome(service=service, options=options)
    except WebDriverException as exc:
        pytest.fail(f"Chromium did not start ({exc.msg}); {INSTALL_HINT}")
    try:
        driver.set_page_load_timeout(60)
        yield driver
    finally:
        driver.quit()
