"""The HTML report: self-contained, and working in a real browser (headless Chromium)."""

from __future__ import annotations

import re

import pytest

from gauntlet.evaluation.reports import write_html_report
from gauntlet.evaluation.reports.html import anchor, anchor_href, format_estimate
from gauntlet.evaluation.result import Status
from tests.evaluation.reports.browser import chromium

#: Anything that would make the browser fetch from elsewhere.
EXTERNAL = re.compile(
    r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?(?:https?:)?//|@import""",
    re.I,
)
#: Every scenario with a trace has a bird's-eye view and a time-series plot.
IMAGES_PER_SCENARIO = 2


@pytest.fixture(scope="module")
def report(suite, results_dir):
    return write_html_report(suite, results_dir)


@pytest.fixture(scope="module")
def browser(report, tmp_path_factory):
    """Headless Chromium with the report loaded once, and the console messages of that load."""
    with chromium(tmp_path_factory.mktemp("chromium-profile")) as driver:
        _load(driver, report.as_uri())
        yield driver, driver.get_log("browser")


def _load(driver, url: str) -> None:
    """Open ``url`` and wait until every image has been decoded (or has failed to)."""
    driver.get(url)
    driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "Promise.all(Array.from(document.images, i => i.decode().catch(() => null)))"
        ".then(() => done(true));"
    )


@pytest.fixture
def page(browser, report):
    """The browser on a freshly loaded report, so tests do not see each other's clicks."""
    driver, log = browser
    _load(driver, report.as_uri())
    return driver, log


def test_report_is_one_self_contained_file(report, suite, results_dir):
    assert report == results_dir / "report.html"
    text = report.read_text(encoding="utf-8")
    assert EXTERNAL.search(text) is None
    assert "Content-Security-Policy" in text
    assert report.stat().st_size < 5_000_000 * len(suite.results) / 15
    for r in suite.results:
        assert f'id="{anchor(r.id)}"' in text
        assert f'href="{anchor_href(r.id)}"' in text


def test_error_text_is_shown_escaped(report, suite):
    text = report.read_text(encoding="utf-8")
    error = next(r for r in suite.results if r.status is Status.ERROR)
    section = text[text.index(f'id="{anchor(error.id)}"') :]
    assert "planner &lt;lost&gt; &amp; &quot;confused&quot; red" in section
    assert "Traceback (most recent call last)" in section
    assert "<lost>" not in text and "\x1b" not in text


def test_explicit_path_and_missing_artefacts(suite, results_dir, tmp_path):
    moved = tmp_path / "elsewhere" / "page.html"
    assert write_html_report(suite, results_dir, moved) == moved
    # A results folder without traces or plots still gives a page, with notes instead.
    bare = write_html_report(suite, tmp_path / "bare")
    text = bare.read_text(encoding="utf-8")
    assert "could not be read" in text and "missing or not a PNG" in text
    assert "data:image/png" not in text


def test_format_estimate():
    from gauntlet.evaluation.aggregate import Estimate

    assert format_estimate(Estimate(0.6, 0.231, 0.882, 5), percent=True) == "60.0% [23.1–88.2%]"
    assert format_estimate(Estimate(71.5, 60.0, 80.25, 9)) == "71.5 [60–80.2]"
    assert format_estimate(None) == "–"


def test_no_severe_console_messages(page):
    _, log = page
    severe = [entry for entry in log if entry["level"] == "SEVERE"]
    assert severe == [], severe


def test_every_embedded_image_decodes(page, suite):
    driver, _ = page
    images = driver.execute_script(
        "return Array.from(document.images, i => [i.alt, i.complete && i.naturalWidth > 0,"
        " i.src.slice(0, 22)]);"
    )
    with_trace = [r for r in suite.results if r.trace]
    assert len(images) == IMAGES_PER_SCENARIO * len(with_trace) == 8
    assert [alt for alt, ok, _ in images if not ok] == []
    assert {src for _, _, src in images} == {"data:image/png;base64,"}
    charts = driver.execute_script("return document.querySelectorAll('svg.chart').length;")
    assert charts >= 1


def _visible_rows(driver) -> list[tuple[str, str]]:
    from selenium.webdriver.common.by import By

    rows = driver.find_elements(By.CSS_SELECTOR, "#scenario-table tbody tr")
    return [
        (row.get_attribute("data-status"), row.find_element(By.TAG_NAME, "a").text)
        for row in rows
        if row.is_displayed()
    ]


def test_filters_hide_rows_and_sections(page, suite):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    driver, _ = page
    status = Select(driver.find_element(By.ID, "filter-status"))
    category = Select(driver.find_element(By.ID, "filter-category"))
    search = driver.find_element(By.ID, "filter-text")
    all_rows = [(r.status.value, r.id) for r in suite.results]
    assert _visible_rows(driver) == all_rows

    status.select_by_value("FAIL")
    failing = [(s, i) for s, i in all_rows if s == "FAIL"]
    assert _visible_rows(driver) == failing and len(failing) == 1
    sections = driver.find_elements(By.CSS_SELECTOR, "details.scenario")
    assert [s.get_attribute("id") for s in sections if s.is_displayed()] == [
        anchor(i) for _, i in failing
    ]
    assert driver.find_element(By.ID, "match-count").text == f"1 of {len(all_rows)} scenarios"

    status.select_by_value("")
    category.select_by_value("smoke")
    assert _visible_rows(driver) == [
        (s, r.id)
        for r, (s, _) in zip(suite.results, all_rows, strict=True)
        if r.category == "smoke"
    ]

    category.select_by_value("")
    search.send_keys("LEAD_brakes")
    assert _visible_rows(driver) == [("PASS", "lead_brakes")]
    search.clear()
    search.send_keys("no such scenario")
    assert _visible_rows(driver) == []
    assert driver.find_element(By.ID, "no-match").is_displayed()
    search.clear()
    search.send_keys(" ")  # an input event with an empty query restores everything
    assert _visible_rows(driver) == all_rows

    driver.find_element(By.CSS_SELECTOR, 'button[data-filter-status="ERROR"]').click()
    assert [s for s, _ in _visible_rows(driver)] == ["ERROR"]
    status.select_by_value("")


def test_sorting_by_a_numeric_column(page):
    from selenium.webdriver.common.by import By

    driver, _ = page
    header = driver.find_element(By.XPATH, "//th[starts-with(normalize-space(.), 'Distance')]")
    header.click()
    values = driver.execute_script(
        "return Array.from(document.querySelectorAll('#scenario-table tbody tr'),"
        " r => r.cells[3].getAttribute('data-value'));"
    )
    numbers = [float(v) for v in values if v]
    assert numbers == sorted(numbers) and values[-1] == ""  # missing values last
    header.click()
    values = driver.execute_script(
        "return Array.from(document.querySelectorAll('#scenario-table tbody tr'),"
        " r => r.cells[3].getAttribute('data-value'));"
    )
    numbers = [float(v) for v in values if v]
    assert numbers == sorted(numbers, reverse=True)


def test_a_link_to_a_scenario_opens_its_section(page, report, suite):
    driver, _ = page
    passed = next(r for r in suite.results if r.status is Status.PASS)
    is_open = f"return document.getElementById({anchor(passed.id)!r}).open;"
    assert driver.execute_script(is_open) is False
    driver.get(report.as_uri() + anchor_href(passed.id))
    assert driver.execute_script(is_open) is True
    failing = next(r for r in suite.results if r.status is Status.FAIL)
    assert driver.execute_script(f"return document.getElementById({anchor(failing.id)!r}).open;")
