"""The report page: tolerant of the report.json schema, figures beside claims, filters; fits 1366 px."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from simtheory.verify.html import render, render_string

REPO = Path(__file__).resolve().parents[2]
LONG = "x" * 400  # an unbreakable word must not widen the page


def _rows():
    return [
        {
            "id": "a.one",
            "document": "doc_a",
            "where": "Thm 1",
            "statement": "s <b>1</b>",
            "verdict": "holds",
            "value": "0.5",
            "ci": "SE 0.01",
            "seconds": 1.5,
            "command": "python make.py  # fig_one.png",
            "kind": "equality",
            "rule": "|d| <= 3 SE",
            "expected": 0.5,
            "note": LONG,
            "tests": ["t.py::test_a"],
        },
        {
            "id": "b.two",
            "document": "doc_b",
            "verdict": "does not hold",
            "seconds": 0.1,
            "figures": ["own/fig_two.png"],
            "details": {"x": 1},
        },
        {"id": "c.three", "document": "unregistered_doc", "verdict": "a new verdict kind"},
    ]


def test_render_is_tolerant_and_links_figures():
    page = render_string(
        {"claims": _rows(), "quick": True},
        documents={"doc_a": "Doc A", "doc_b": "Doc B"},
        figures={"fam": ["fam/fig_one.png", "fam/other.png"]},
        problems=["p1"],
    )
    assert "s &lt;b&gt;1&lt;/b&gt;" in page  # escaped
    for key in ("rule", "expected", "note"):
        assert f"<dt>{key}</dt>" in page
    assert "class='kind" in page and ">equality</span>" in page  # the kind is a badge beside the verdict
    card_a = page[page.index("id='a.one'") : page.index("id='b.two'")]
    assert "fam/fig_one.png" in card_a and "fam/other.png" not in card_a  # the figure the command names
    assert "own/fig_two.png" in page[page.index("id='b.two'") :]
    for doc in ("doc_a", "doc_b", "unregistered_doc"):
        assert f"<option value='{doc}'>" in page and f"<section class='doc' data-doc='{doc}'>" in page
    assert "<option value='a new verdict kind'>" in page and "<li>p1</li>" in page
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=['\"]https?:", page)  # no external assets


@pytest.mark.slow
def test_page_fits_a_laptop_screen(tmp_path):
    """Headless Chromium at 1366x900: no horizontal scrolling; the screenshot is left in tmp_path."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    src = REPO / "paper_figs" / "report" / "report.json"
    report = json.loads(src.read_text()) if src.exists() else {"claims": []}
    report["claims"] = report["claims"] + _rows()
    figs = {"risk_rate": [str(p) for p in sorted((REPO / "paper_figs" / "risk_rate").glob("*.png"))]}
    page = render(report, tmp_path / "report.html", figures=figs)
    measure = tmp_path / "measure.html"
    measure.write_text(
        page.read_text() + "<script>document.title = 'SW=' + document.documentElement.scrollWidth"
        " + ' IW=' + window.innerWidth;</script>"
    )
    flags = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1366,900"]
    dom = subprocess.run(
        [*flags, "--virtual-time-budget=5000", "--dump-dom", measure.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    ).stdout
    m = re.search(r"<title>SW=(\d+) IW=(\d+)</title>", dom)
    assert m, dom[:500]
    scroll_width, inner_width = int(m.group(1)), int(m.group(2))
    assert inner_width == 1366 and scroll_width <= inner_width, (scroll_width, inner_width)
    # the inline filter: a URL hash preselects the verdict; the page counts the cards it shows
    n_fail = sum(c.get("verdict") == "does not hold" for c in report["claims"])
    dom = subprocess.run(
        [*flags, "--virtual-time-budget=5000", "--dump-dom", page.as_uri() + "#verdict=does%20not%20hold"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    ).stdout
    assert f'<span id="count" class="muted">{n_fail} shown</span>' in dom, re.findall(r"\d+ shown", dom)
    shot = tmp_path / "report.png"
    subprocess.run([*flags, f"--screenshot={shot}", page.as_uri()], capture_output=True, timeout=120, check=False)
    assert shot.stat().st_size > 10_000
