#!/usr/bin/python3
"""Opens the published samples/Browser in headless Chromium and checks it as a visitor would.

Run by .ci/run against the publish's wwwroot served on 127.0.0.1 (python3 -m http.server), with Debian's chromium,
chromium-driver and python3-selenium:

    /usr/bin/python3 samples/Browser/ci/check_page.py --url http://127.0.0.1:PORT/?epochs=N \
        --screenshot TestResults/ci/browser/screenshot.png

Waits (bounded by --timeout) for the element #accuracy that the page shows after training, requires the test accuracy
it states to be at least --min-accuracy percent, draws a 7 on the canvas #pad with the mouse, requires ten class
probabilities in [0, 1] that sum to 1 with the largest for 7, and saves a screenshot. Prints what the page reports (runtime, kernel width,
per-epoch times) and the runtime's jiterpreter options. Exit status 0 when every check passed, 1 otherwise.
"""

import argparse
import json
import re
import signal
import sys
import time

from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

# The runtime's jiterpreter settings, read through the .NET runtime's JavaScript object (an internal API: printed
# for the report, never required).
JITERPRETER_OPTIONS = """
try {
  const runtime = globalThis.getDotnetRuntime && globalThis.getDotnetRuntime(0);
  const internal = runtime && runtime.INTERNAL;
  if (!internal || typeof internal.jiterpreter_get_options !== 'function') return 'not exposed';
  return JSON.stringify(internal.jiterpreter_get_options());
} catch (e) { return 'error: ' + e; }
"""


def text_of(driver, element_id):
    found = driver.find_elements(By.ID, element_id)
    return found[0].text if found else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--screenshot", required=True)
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for #accuracy")
    parser.add_argument("--min-accuracy", type=float, default=90.0, help="percent")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    args = parser.parse_args()

    # A SIGTERM (from `timeout` in .ci/run) raises SystemExit, so the finally below still quits Chromium and its driver.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))

    options = webdriver.ChromeOptions()
    options.binary_location = args.chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 "--window-size=1100,1000", "--no-first-run", "--disable-extensions"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})

    failures = []
    driver = webdriver.Chrome(service=Service(executable_path=args.chromedriver), options=options)
    try:
        driver.set_page_load_timeout(120)
        started = time.monotonic()
        driver.get(args.url)
        try:
            WebDriverWait(driver, args.timeout, poll_frequency=1).until(
                lambda d: d.find_elements(By.ID, "accuracy") or d.find_elements(By.ID, "error"))
        except TimeoutException:
            failures.append(f"no #accuracy within {args.timeout:.0f} s; status: {text_of(driver, 'status')!r}")
        waited = time.monotonic() - started

        for element_id in ("runtime-info", "kernel-width", "status", "accuracy", "timing", "error"):
            value = text_of(driver, element_id)
            if value is not None:
                print(f"{element_id}: {value}")
        print(f"jiterpreter options: {driver.execute_script(JITERPRETER_OPTIONS)}")
        print(f"page load to accuracy: {waited:.1f} s")

        accuracy_text = text_of(driver, "accuracy")
        if text_of(driver, "error") is not None:
            failures.append(f"the page reports: {text_of(driver, 'error')}")
        if accuracy_text is not None:
            match = re.search(r"test accuracy ([0-9.]+) %", accuracy_text)
            if match is None:
                failures.append(f"#accuracy does not read 'test accuracy N %': {accuracy_text!r}")
            elif float(match.group(1)) < args.min_accuracy:
                failures.append(f"test accuracy {match.group(1)} % is below {args.min_accuracy} %")

        # A "7": a bar across the top, then a diagonal down to the bottom. Offsets are from the canvas's centre.
        pad = driver.find_element(By.ID, "pad")
        stroke = [(-70, -90), (-20, -90), (30, -90), (70, -90), (50, -40), (30, 10), (10, 60), (0, 95)]
        actions = ActionChains(driver)
        actions.move_to_element_with_offset(pad, *stroke[0]).click_and_hold()
        for x, y in stroke[1:]:
            actions.move_to_element_with_offset(pad, x, y)
        actions.release().perform()
        try:
            WebDriverWait(driver, 30).until(
                lambda d: len(d.find_elements(By.CSS_SELECTOR, "#probabilities li")) == 10)
            items = driver.find_elements(By.CSS_SELECTOR, "#probabilities li")
            probabilities = [float(item.get_attribute("data-probability")) for item in items]
            print("probabilities after drawing a 7: "
                  + ", ".join(f"{digit}: {p:.4f}" for digit, p in enumerate(probabilities)))
            print(f"prediction: {text_of(driver, 'prediction')}")
            grid = [cell.text for cell in driver.find_elements(By.CSS_SELECTOR, "#grid .cell")]
            print("8x8 input (ink pixels per 4x4 block):")
            for row in range(8):
                print("  " + " ".join(f"{int(v or 0):2d}" for v in grid[8 * row:8 * row + 8]))
            if any(not 0 <= p <= 1 for p in probabilities) or abs(sum(probabilities) - 1) > 1e-3:
                failures.append(f"the probabilities are not a distribution: sum {sum(probabilities)}")
            # The whole path (pointer events, bitmap, 4x4 counts in the data's orientation, Forward) must read the 7
            # as a 7: a transposed or mirrored grid would not.
            elif probabilities.index(max(probabilities)) != 7:
                failures.append(f"the drawn 7 was read as a {probabilities.index(max(probabilities))}")
        except TimeoutException:
            failures.append("no class probabilities within 30 s of drawing a stroke")

        driver.save_screenshot(args.screenshot)
        print(f"screenshot: {args.screenshot}")
        if failures:
            for entry in driver.get_log("browser")[-30:]:
                print(f"console: {entry.get('level')} {entry.get('message')}")
    except WebDriverException as error:
        failures.append(f"WebDriver: {error.msg}")
    finally:
        driver.quit()

    for failure in failures:
        print(f"FAILED: {failure}")
    print("browser sample: " + ("passed" if not failures else "failed"))
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
