"""Open the reports in headless Chromium at 1400 px, as a reader would, through the DevTools protocol.

Checked on each report built from the seed plans plus a hostile plan, manifest and file name (see
test_report.HOSTILE): every chart is drawn, the network charts carry agency names that do not overlap, nothing
overflows horizontally, no script fails, the page makes no network request and has no javascript:/data: link, and
printing lays every chart out within an A4 page.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
import test_report  # shares the session's build of the reports


def _chromium() -> str | None:
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium") or shutil.which("chromium-browser")


CHROMIUM = _chromium()
pytestmark = [pytest.mark.slow, pytest.mark.browser,
              pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (CI: apt-get install -y chromium)")]

WIDTH = 1400
#: Printable width of an A4 page with 12 mm margins, in CSS pixels (186 mm at 96 dpi).
A4_WIDTH = 703


class DevTools:
    """A minimal Chrome DevTools Protocol client over ``--remote-debugging-pipe`` (no extra dependency)."""

    def __init__(self, exe: str, profile: Path) -> None:
        to_chrome_r, to_chrome_w = os.pipe()
        from_chrome_r, from_chrome_w = os.pipe()
        # the child expects to read on fd 3 and write on fd 4: move our ends out of the way first
        high = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 20) for fd in (to_chrome_r, from_chrome_w)]
        for fd in (to_chrome_r, from_chrome_w):
            os.close(fd)

        def wire() -> None:
            os.dup2(high[0], 3)
            os.dup2(high[1], 4)

        self.proc = subprocess.Popen(
            [exe, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--disable-default-apps", "--disable-extensions", f"--user-data-dir={profile}", "about:blank"],
            pass_fds=(3, 4), preexec_fn=wire, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for fd in high:
            os.close(fd)
        self.out = os.fdopen(to_chrome_w, "wb", buffering=0)
        self.inp = os.fdopen(from_chrome_r, "rb", buffering=0)
        self.buffer = b""
        self.next_id = 0
        self.events: list[dict[str, Any]] = []
        self.session: str | None = None

    def _read(self) -> dict[str, Any]:
        while b"\0" not in self.buffer:
            chunk = self.inp.read(65536)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self.buffer += chunk
        message, _, self.buffer = self.buffer.partition(b"\0")
        return json.loads(message)

    def call(self, method: str, params: dict | None = None, session: bool = True) -> dict[str, Any]:
        self.next_id += 1
        msg: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            msg["sessionId"] = self.session
        self.out.write(json.dumps(msg).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": True})
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"])
        return result["result"].get("value")

    def open(self, url: str, width: int = WIDTH, javascript: bool = True) -> None:
        target = self.call("Target.createTarget", {"url": "about:blank"}, session=False)["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True},
                                 session=False)["sessionId"]
        for domain in ("Page", "Network", "Runtime", "Log"):
            self.call(f"{domain}.enable")
        self.call("Emulation.setDeviceMetricsOverride", {"width": width, "height": 900, "deviceScaleFactor": 1,
                                                         "mobile": False})
        if not javascript:  # the page's own scripts off (DevTools' evaluations still run)
            self.call("Emulation.setScriptExecutionDisabled", {"value": True})
        self.call("Page.navigate", {"url": url})
        drawn = ("Array.from(document.querySelectorAll('.plotly-graph-div')).every(d => d.querySelector('.main-svg'))"
                 if javascript else "true")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # loaded, and every plotly chart drawn
            if self.evaluate(f"document.readyState === 'complete' && {drawn}"):
                break
            time.sleep(0.2)
        time.sleep(0.5)
        self.call("Runtime.evaluate", {"expression": "1"})  # collect the events sent meanwhile

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, OSError):
            self.call("Browser.close", session=False)
        self.proc.wait(timeout=30)


#: Everything measured in the page, in one script.
_MEASURE = """
(() => {
  const plots = Array.from(document.querySelectorAll('.plotly-graph-div'));
  const boxes = el => Array.from(el.querySelectorAll('.textpoint text')).map(t => t.getBoundingClientRect())
      .filter(r => r.width > 0);
  const overlap = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  const networks = plots.filter(p => (p.data || []).some(t => t.name && t.mode === 'markers+text'));
  const labelStats = networks.map(p => {
    const b = boxes(p); let n = 0;
    for (let i = 0; i < b.length; i++) for (let j = i + 1; j < b.length; j++) if (overlap(b[i], b[j])) n++;
    return {labels: b.length, overlaps: n, width: p.getBoundingClientRect().width};
  });
  const attrs = ['href', 'src', 'action', 'formaction', 'xlink:href', 'srcset', 'poster', 'data'];
  const live = [];
  // plotly draws a heatmap as an SVG <image> of a PNG it renders itself (a data: URL made in the page)
  const heatmaps = Array.from(document.querySelectorAll('g.hm image')).map(el => el.getAttribute('href'));
  document.querySelectorAll('*').forEach(el => el.closest('g.hm') || attrs.forEach(a => {
    const v = (el.getAttribute(a) || '').trim().toLowerCase().replace(/\\s/g, '');
    if (v.startsWith('javascript:') || v.startsWith('data:') || v.startsWith('vbscript:') || v.startsWith('http'))
      live.push(el.tagName + ' ' + a + '=' + v.slice(0, 60));
  }));
  const figures = Array.from(document.querySelectorAll('figure.ttdn-chart')).map(f => {
    const caption = document.getElementById(f.getAttribute('aria-labelledby') || '');
    return {name: caption ? caption.textContent.trim() : '', table: f.querySelectorAll('table tbody tr').length,
            plot: f.querySelectorAll('.plotly-graph-div').length};
  });
  return {
    figures: figures,
    plots: plots.length,
    drawn: plots.filter(p => p.querySelector('.main-svg')).length,
    overflow: document.documentElement.scrollWidth - window.innerWidth,
    networks: labelStats,
    live: live,
    heatmaps: heatmaps,
    images: document.images.length,
    text: document.body.innerText,
  };
})()
"""

_PRINT = """
(() => {
  window.dispatchEvent(new Event('beforeprint'));
  return Array.from(document.querySelectorAll('.ttdn-chart-drawing')).map(d => d.getBoundingClientRect().width);
})()
"""


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    return test_report.build_once(tmp_path_factory, "injected")


@pytest.fixture(scope="module")
def measured(reports, tmp_path_factory):
    """Each page opened once: the measures, the print widths and the DevTools events."""
    out = {}
    for page in reports[1]:
        tools = DevTools(CHROMIUM, tmp_path_factory.mktemp("profile"))
        try:
            tools.open(page.as_uri())
            data = tools.evaluate(_MEASURE)
            tools.call("Emulation.setEmulatedMedia", {"media": "print"})
            data["print_widths"] = tools.evaluate(_PRINT)
            data["events"] = tools.events
        finally:
            tools.close()
        out[page.name] = data
    return out


PAGES = [f"{stem}.html" for stem in test_report.NOTEBOOKS] + ["index.html"]


@pytest.mark.parametrize("name", PAGES)
def test_charts_drawn_and_no_overflow(measured, name):
    m = measured[name]
    if name != "index.html":
        assert m["plots"] > 0 and m["drawn"] == m["plots"], f"{m['drawn']} of {m['plots']} charts drawn"
    assert m["overflow"] <= 0, f"{name} is {m['overflow']} px wider than the 1400 px window"


@pytest.mark.parametrize("name", PAGES)
def test_no_script_error(measured, name):
    events = measured[name]["events"]
    errors = [e["params"] for e in events if e["method"] == "Runtime.exceptionThrown"]
    errors += [e["params"] for e in events if e["method"] == "Runtime.consoleAPICalled"
               and e["params"].get("type") in ("error", "assert")]
    errors += [e["params"]["entry"] for e in events if e["method"] == "Log.entryAdded"
               and e["params"]["entry"].get("level") == "error"]
    assert errors == []


@pytest.mark.parametrize("name", PAGES)
def test_inert_whatever_the_plans_say(measured, reports, name):
    """Zero network requests (only the file itself is read), no image, no javascript:/data:/http link."""
    page = next(p for p in reports[1] if p.name == name)
    scripts = "".join(re.findall(r"<script\b.*?</script>", page.read_text(encoding="utf-8"), flags=re.S))
    requests = [e["params"]["request"]["url"] for e in measured[name]["events"]
                if e["method"] == "Network.requestWillBeSent"]
    # plotly.js probes the browser with a few data: images written in its own code, and shows the heatmaps it
    # renders as data: images; nothing else is loaded
    own = set(measured[name]["heatmaps"])
    assert [u for u in requests if u != page.as_uri() and u not in own
            and not (u.startswith("data:image/") and u in scripts)] == []
    assert measured[name]["live"] == []
    assert measured[name]["images"] == 0


def test_hostile_text_is_shown_as_text(measured):
    """The hostile values reach the reader as visible text, not as markup."""
    text = measured["01_corpus_overview.html"]["text"]
    for value in [*test_report.HOSTILE_VISIBLE, "<script>alert(1)</script>"]:
        assert value in text, value
    assert test_report.HOSTILE_FILE in measured["index.html"]["text"]


def test_network_charts_name_their_agencies_without_overlap(measured):
    stats = measured["02_agency_networks.html"]["networks"]
    assert len(stats) >= 6  # three provinces, co-assignment and lead → support
    for s in stats:
        assert s["labels"] >= 3, s
        assert s["overlaps"] == 0, s


@pytest.mark.parametrize("name", PAGES[:-1])
def test_print_keeps_charts_within_a4(measured, name):
    widths = measured[name]["print_widths"]
    assert widths and max(widths) <= A4_WIDTH, widths


_NO_SCRIPT = """
(() => Array.from(document.querySelectorAll('figure.ttdn-chart')).map(f => {
  const caption = f.querySelector('figcaption'), table = f.querySelector('table');
  const drawing = f.querySelector('.ttdn-chart-drawing');
  return {caption: caption.getBoundingClientRect().width > 10 ? caption.innerText : '',
          table: table ? table.getBoundingClientRect().height : 0,
          drawing: drawing.getBoundingClientRect().height};
}))()
"""


@pytest.mark.parametrize("name", PAGES[:-1])
def test_every_chart_is_named_and_carries_its_numbers(measured, name):
    figures = measured[name]["figures"]
    assert figures and sum(f["plot"] for f in figures) == measured[name]["plots"]  # every chart is in a figure
    for f in figures:
        assert f["name"] and f["table"] > 0, f


@pytest.fixture(scope="module")
def without_javascript(reports, tmp_path_factory):
    out = {}
    for page in reports[1][:-1]:
        tools = DevTools(CHROMIUM, tmp_path_factory.mktemp("profile-nojs"))
        try:
            tools.open(page.as_uri(), javascript=False)
            out[page.name] = tools.evaluate(_NO_SCRIPT)
        finally:
            tools.close()
    return out


@pytest.mark.parametrize("name", PAGES[:-1])
def test_without_javascript_each_chart_shows_its_name_and_table(without_javascript, name):
    figures = without_javascript[name]
    assert figures
    for f in figures:
        assert f["caption"] and f["table"] > 0 and f["drawing"] == 0, f  # no empty box: the table instead
