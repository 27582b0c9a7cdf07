"""The dashboard in a real browser: headless Chromium (Debian's chromium + chromium-driver) driven
by Selenium against ``clearway dashboard`` started on 127.0.0.1 and a free port.

Checks that the results page loads with a chart, that switching scenarios redraws the chart, that
a tiny what-if run (a 5 % section for 6 days) completes and shows beside the baseline, and that
a reform page tells mechanism and assumptions. Screenshots go to pytest's ``tmp_path`` and, when
``CLEARWAY_ARTIFACTS`` is set, are copied there. Skipped, with the reason, without Solara,
Selenium or Chromium.
"""
from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
MISSING = [name for name, ok in (
    ("solara (pip install -e '.[dashboard]')", importlib.util.find_spec("solara")),
    ("selenium (pip install -e '.[dev]')", importlib.util.find_spec("selenium")),
    ("chromium (apt-get install chromium)", CHROMIUM),
    ("chromedriver (apt-get install chromium-driver)", CHROMEDRIVER)) if not ok]
pytestmark = pytest.mark.skipif(bool(MISSING), reason="browser tests need " + ", ".join(MISSING))
SERVER_START_S = 90  # bounded waits (s): the server's first page, a chart, a what-if run
CHART_S = 60
RUN_S = 300


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    """``python -m sim dashboard --port N`` on the committed reference folder; yields its URL."""
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen([sys.executable, "-m", "sim", "dashboard", "--port", str(port)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + SERVER_START_S
    while True:
        try:
            urllib.request.urlopen(url, timeout=5)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                os.killpg(proc.pid, signal.SIGTERM)
                log = proc.stdout.read().decode()[-2000:]
                pytest.fail(f"dashboard server did not start:\n{log}")
            time.sleep(0.5)
    yield url
    os.killpg(proc.pid, signal.SIGINT)  # as Ctrl-C: the launcher and its solara child stop cleanly
    proc.wait(timeout=30)


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,1600"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


@pytest.fixture
def shot(tmp_path, browser):
    """``shot(name)``: a full-window screenshot into tmp_path (and $CLEARWAY_ARTIFACTS)."""
    def _shot(name: str) -> Path:
        path = tmp_path / f"{name}.png"
        browser.save_screenshot(str(path))
        if os.environ.get("CLEARWAY_ARTIFACTS"):
            target = Path(os.environ["CLEARWAY_ARTIFACTS"])
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target / path.name)
        return path
    return _shot


def _wait(browser, seconds, condition):
    """Poll ``condition(browser)`` until it is truthy; the page re-renders, so an element found
    a moment ago may be gone (stale): poll again."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, seconds, poll_frequency=0.25,
                         ignored_exceptions=(StaleElementReferenceException,)).until(condition)


def _css(browser, selector, seconds=CHART_S):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    return _wait(browser, seconds, ec.visibility_of_element_located((By.CSS_SELECTOR, selector)))


def _image_loaded(element) -> bool:
    return element.get_attribute("naturalWidth") not in (None, "0")


def test_results_page_loads_with_the_comparison_chart(server, browser, shot):
    browser.get(server)
    chart = _css(browser, "img.chart-comparison", SERVER_START_S)
    _wait(browser, CHART_S, lambda _: _image_loaded(chart))
    assert "Policy comparison" in browser.page_source
    assert "daily series" in browser.page_source  # the reference folder has no daily.csv: said so
    shot("results")


@pytest.mark.slow  # a browser session of its own; tests/test_dashboard_parts.py checks the what-if and the chart in Python
def test_switching_a_scenario_off_redraws_the_chart(server, browser, shot):
    browser.get(server)
    chart = _css(browser, "img.chart-comparison", SERVER_START_S)
    _wait(browser, CHART_S, lambda _: _image_loaded(chart))
    height_before = chart.size["height"]
    _css(browser, ".scenario-full").click()  # hide the full package: one bar fewer per panel

    def redrawn(b) -> bool:
        images = b.find_elements("css selector", "img.chart-comparison")
        return (bool(images) and _image_loaded(images[0])
                and images[0].size["height"] < height_before)

    _wait(browser, CHART_S, redrawn)
    shot("results_without_full_package")


@pytest.mark.slow  # a browser session of its own; tests/test_dashboard_parts.py checks the what-if and the chart in Python
def test_whatif_run_completes_beside_the_baseline(server, browser, shot):
    from selenium.webdriver.common.keys import Keys

    browser.get(server + "what-if")
    _css(browser, ".run-whatif", SERVER_START_S)
    for slider in ("Port section", "Horizon"):  # the smallest section and horizon, by keyboard
        thumb = browser.find_element(
            "xpath", f"//label[contains(., '{slider}')]/following-sibling::div"
                     "[contains(@class, 'v-slider')]//*[@role='slider']")
        thumb.send_keys(Keys.HOME)
    _css(browser, ".reform-pre_arrival").click()
    chosen = ("Section 5 %, 6 days, seed 1; 3 inspection teams, 6 document officers; "
              "Pre-arrival processing")
    _wait(browser, CHART_S, lambda b: chosen in _css(b, ".whatif-next").text)  # the server has them
    _css(browser, ".run-whatif").click()
    result = _css(browser, ".whatif-result", RUN_S)
    assert chosen in result.text
    table = browser.find_element("css selector", ".whatif-table table").text
    assert "baseline" in table and "what-if" in table and "import port time" in table
    chart = _css(browser, "img.whatif-stage_breakdown")
    _wait(browser, CHART_S, lambda _: _image_loaded(chart))
    shot("whatif")


def test_reform_page_tells_mechanism_and_assumptions(server, browser, shot):
    browser.get(server + "reforms/direct_pickup")
    heading = _css(browser, "h2", SERVER_START_S)
    _wait(browser, CHART_S, lambda b: "Direct pickup" in b.find_element("tag name", "h2").text)
    page = browser.page_source
    assert "Art. 7.1 Pre-arrival Processing (closest article)" in page  # sim.reforms' TFA tag
    assert "quay crane" in page  # the policy module's docstring
    assert "policies.direct_pickup." in page and "transfer.mean_h" in page  # its config section
    assert "truck booked ahead of the ship for direct pickup (h)" in page  # a ranged value's name
    assert "Simulation noise only" in page  # no robustness.csv in the reference folder
    assert heading.is_displayed()
    shot("reform_direct_pickup")
