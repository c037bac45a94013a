"""The verification report as one self-contained HTML page.

:func:`render` takes the report's JSON form (``report.json``: metadata plus a ``claims``
list of row dicts) and writes a page with

* one card per claim, its figure(s) beside it (from the row's ``figures`` key, or any
  figure whose file name the row's command / computed / value text mentions);
* filters by verdict and by document, and sorting (document, verdict, id), in a
  few lines of inline JavaScript (no external assets); the URL can preselect them:
  ``report.html#verdict=does%20not%20hold&document=own_theorem&sort=verdict``;
* a layout that fits a 1366 px laptop screen without horizontal scrolling (cards reflow
  to one column below 1000 px; long code wraps).

Row keys it reads (all optional but ``id``): ``document``, ``where``, ``statement``,
``computed``, ``paper_value``, ``value``, ``ci``, ``verdict``, ``seconds``, ``cached``,
``error``, ``tests``, ``missing_tests``, ``command``, ``figures``. Any other scalar key
(``kind``, ``rule``, ``expected``, ``note``, ...) is shown under the claim.
"""

from __future__ import annotations

import html as _html
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

__all__ = ["render", "render_string"]

VERDICT_ORDER = ("does not hold", "not checkable", "inconclusive", "holds")
VERDICT_CLASS = {"holds": "holds", "inconclusive": "tol", "does not hold": "fails", "not checkable": "na"}
#: a colour per claim kind (what a verdict is evidence of; see docs/reading_verdicts.md)
KIND_CLASS = {
    "exact identity": "k-id",
    "theorem verified numerically": "k-thm",
    "empirical finding in simulation": "k-sim",
    "finding on real data": "k-real",
}
_KNOWN = {
    "id",
    "document",
    "where",
    "statement",
    "computed",
    "paper_value",
    "value",
    "ci",
    "verdict",
    "seconds",
    "cached",
    "error",
    "tests",
    "missing_tests",
    "command",
    "figures",
    "details",
    # shown explicitly (kind badge, rule, decision, referee note) or not needed on the page
    "kind",
    "kind_meaning",
    "rule",
    "reason",
    "would_hold",
    "referee_note",
    "document_title",
    "expected_full",
    "matches_expected",
    "numbers",
    "provenance",
}

_CSS = """
*{box-sizing:border-box}
html,body{margin:0;padding:0}
body{font:14px/1.4 -apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#222;padding:12px 18px}
h1{font-size:20px;margin:4px 0 6px}h2{font-size:16px;margin:18px 0 6px;border-bottom:1px solid #ddd}
code{font-size:12px;background:#f4f4f4;padding:1px 3px;overflow-wrap:anywhere;word-break:break-word}
.muted{color:#666;font-size:12px}
.bar{position:sticky;top:0;background:#fff;padding:6px 0;border-bottom:1px solid #ddd;display:flex;
 flex-wrap:wrap;gap:10px;align-items:center;z-index:2}
.bar label{font-size:13px}.bar select{font-size:13px}
table.sum{border-collapse:collapse;margin:6px 0;max-width:100%}
table.sum th,table.sum td{border:1px solid #ccc;padding:2px 6px;text-align:right}
table.sum th:first-child,table.sum td:first-child{text-align:left}
.v{font-weight:bold;white-space:nowrap;padding:1px 6px;border-radius:3px;font-size:12px}
.holds{background:#c8efc8}.tol{background:#e6f5c6}.fails{background:#f7c6c0}.na{background:#e4e4e4}
.other{background:#dde6f7}
.kind{font-size:11px;padding:1px 6px;border-radius:10px;white-space:nowrap}
.k-id{background:#eeeeee}.k-thm{background:#d7e8fb}.k-sim{background:#fdebc8}.k-real{background:#e5d7f7}
.note{background:#fff8e1;border-left:3px solid #f0c000;padding:4px 8px}
.card{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,380px);gap:12px;border:1px solid #ddd;
 border-left:5px solid #bbb;border-radius:4px;padding:8px 10px;margin:8px 0}
.card.c-holds{border-left-color:#4caf50}.card.c-tol{border-left-color:#9ccc65}
.card.c-fails{border-left-color:#e53935}.card.c-na{border-left-color:#9e9e9e}
.card.nofig{grid-template-columns:minmax(0,1fr)}
.head{display:flex;flex-wrap:wrap;gap:8px;align-items:baseline}
.head .id{font-weight:bold;overflow-wrap:anywhere}
dl{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:2px 10px;margin:6px 0 0}
dt{color:#555;font-size:12px}dd{margin:0;overflow-wrap:anywhere}
.figs img{width:100%;height:auto;border:1px solid #ddd;display:block;margin-bottom:6px}
.problems li{color:#8a1f11}
.fam{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:10px}
.fam figure{margin:0}.fam img{width:100%;height:auto;border:1px solid #ddd}
.fam figcaption{font-size:12px;color:#555;overflow-wrap:anywhere}
@media (max-width:1000px){.card{grid-template-columns:minmax(0,1fr)}}
"""

_JS = """
(function(){
 var order=__VERDICT_ORDER__;
 function apply(){
  var v=document.getElementById('fv').value,d=document.getElementById('fd').value,
      s=document.getElementById('sort').value,shown=0;
  document.querySelectorAll('section.doc').forEach(function(sec){
   var cards=Array.prototype.slice.call(sec.querySelectorAll('.card')),n=0;
   cards.sort(function(a,b){
    if(s==='verdict'){var x=order.indexOf(a.dataset.verdict)-order.indexOf(b.dataset.verdict);if(x)return x;}
    if(s==='document'){return parseInt(a.dataset.pos)-parseInt(b.dataset.pos);}
    return a.dataset.id<b.dataset.id?-1:(a.dataset.id>b.dataset.id?1:0);});
   cards.forEach(function(c){sec.appendChild(c);
    var ok=(!v||c.dataset.verdict===v)&&(!d||c.dataset.doc===d);c.style.display=ok?'':'none';if(ok)n++;});
   sec.style.display=n?'':'none';shown+=n;});
  document.getElementById('count').textContent=shown+' shown';
 }
 // preselect from the URL: report.html#verdict=does%20not%20hold&document=...&sort=verdict
 var keys={verdict:'fv',document:'fd',sort:'sort'};
 location.hash.replace(/^#/,'').split('&').forEach(function(kv){
  var p=kv.split('='),el=document.getElementById(keys[decodeURIComponent(p[0])]);
  if(el&&p.length>1){el.value=decodeURIComponent(p[1]);}});
 ['fv','fd','sort'].forEach(function(i){document.getElementById(i).addEventListener('change',apply);});
 apply();
})();
"""


def _e(x: Any) -> str:
    return _html.escape("-" if x is None or x == "" else str(x))


def _vclass(verdict: str | None) -> str:
    return VERDICT_CLASS.get(verdict or "", "other")


def _short_names() -> dict[str, str]:
    from simtheory.plugins import SHORT_NAMES
    from simtheory.verify.report import SHORT_DOC

    return {**SHORT_DOC, **SHORT_NAMES}


def _figures_for(row: Mapping[str, Any], figures: Iterable[str]) -> list[str]:
    own = row.get("figures") or []
    own = [own] if isinstance(own, str) else [str(f) for f in own]
    text = " ".join(str(row.get(k) or "") for k in ("command", "computed", "value", "note"))
    mentioned = [f for f in figures if Path(f).name in text]
    return list(dict.fromkeys(own + mentioned))


def _card(row: Mapping[str, Any], pos: int, titles: Mapping[str, str], figures: list[str]) -> str:
    e = _e
    verdict = row.get("verdict") or "not checkable"
    figs = _figures_for(row, figures)
    # no timings or cache flags on the page: an unchanged rebuild is byte-identical (they stay in report.json)
    ours = e(row.get("value")) + (f" <span class='muted'>({e(row.get('ci'))})</span>" if row.get("ci") else "")
    items = [
        ("where", e(row.get("where"))),
        ("statement", e(row.get("statement"))),
        ("computed", e(row.get("computed"))),
        ("paper", e(row.get("paper_value"))),
        ("ours", ours),
    ]
    rule = row.get("rule")
    if isinstance(rule, dict) and rule.get("text"):
        items.append(("rule", e(rule["text"])))
    elif rule and not isinstance(rule, (dict, list)):
        items.append(("rule", e(rule)))
    if row.get("reason"):
        items.append(("decision", e(row["reason"])))
    if row.get("would_hold"):
        items.append(("would hold", e(row["would_hold"])))
    if row.get("referee_note"):
        items.append(("referee note", f"<div class='note'>{e(row['referee_note'])}</div>"))
    for k, v in row.items():
        if k not in _KNOWN and v is not None and not isinstance(v, (dict, list)):
            items.append((k, e(v)))
    if row.get("error"):
        items.append(("error", f"<span class='fails'>{e(row['error'])}</span>"))
    items.append(("reproduce", f"<code>{e(row.get('command'))}</code>"))
    tests = row.get("tests") or []
    if tests:
        items.append(("tests", "<br>".join(f"<code>{e(t)}</code>" for t in tests)))
    if row.get("missing_tests"):
        items.append(("missing", ", ".join(f"<code>{e(t)}</code>" for t in row["missing_tests"])))
    dl = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in items)
    fig_html = "".join(
        f"<a href='{e(f)}'><img src='{e(f)}' alt='figure of {e(row.get('id'))}' loading='lazy'></a>" for f in figs
    )
    doc = row.get("document") or ""
    return (
        f"<article class='card c-{_vclass(verdict)}{'' if figs else ' nofig'}' id='{e(row.get('id'))}' "
        f"data-id='{e(row.get('id'))}' data-verdict='{e(verdict)}' data-doc='{e(doc)}' "
        f"data-pos='{pos}'>"
        f"<div><div class='head'><span class='id'>{e(row.get('id'))}</span>"
        f"<span class='v {_vclass(verdict)}'>{e(verdict)}</span>"
        + (
            f"<span class='kind {KIND_CLASS.get(str(row.get('kind')), '')}' title='{e(row.get('kind_meaning'))}'>"
            f"{e(row.get('kind'))}</span>"
            if row.get("kind")
            else ""
        )
        + f"<span class='muted'>{e(titles.get(doc, doc))}</span></div><dl>{dl}</dl></div>"
        + (f"<div class='figs'>{fig_html}</div>" if figs else "")
        + "</article>"
    )


def render_string(
    report: Mapping[str, Any],
    *,
    documents: Mapping[str, str] | None = None,
    figures: Mapping[str, list[str]] | None = None,
    problems: Iterable[str] = (),
    short: Mapping[str, str] | None = None,
) -> str:
    """The report page as a string.

    Parameters
    ----------
    report : mapping
        The report's JSON form: metadata keys (``created_utc``, ``git_commit``, ``quick``,
        ``command``, ``seconds_total``, ``versions``) and ``claims``, a list of row dicts.
    documents : mapping, optional
        Document key -> title (default: :data:`simtheory.verify.registry.DOCUMENTS`);
        documents appear in this order, unknown ones after them.
    figures : mapping, optional
        Family -> figure paths relative to the page; shown in a gallery and beside every
        claim whose text names the file.
    problems : iterable of str
        Lines for the "Problems" list.
    short : mapping, optional
        Document key -> short name for the summary's columns and the cards.

    Returns
    -------
    str
    """
    e = _e
    if documents is None:
        from simtheory.verify.registry import DOCUMENTS

        documents = DOCUMENTS
    rows = [dict(r) for r in report.get("claims", [])]
    figures = {k: [str(p) for p in v] for k, v in (figures or {}).items()}
    all_figs = [f for v in figures.values() for f in v]
    titles = dict(documents)
    short = dict(_short_names(), **(short or {}))
    docs = list(
        dict.fromkeys(
            [d for d in documents if any(r.get("document") == d for r in rows)]
            + [r.get("document") or "" for r in rows]
        )
    )
    verdicts = list(dict.fromkeys([*reversed(VERDICT_ORDER), *(r.get("verdict") or "not checkable" for r in rows)]))
    counts = {
        d: {
            v: sum(1 for r in rows if r.get("document") == d and (r.get("verdict") or "not checkable") == v)
            for v in verdicts
        }
        for d in docs
    }
    meta_line = ""
    if report.get("created_utc"):
        meta_line += f"Generated {e(report.get('created_utc'))}; "
    if report.get("git_commit"):
        meta_line += f"commit <code>{e(report.get('git_commit'))}</code>; "
    meta_line += f"{'quick' if report.get('quick') else 'full'} checks; {len(rows)} claims"
    if isinstance(report.get("seconds_total"), (int, float)):
        meta_line += f"; {report['seconds_total']:.1f} s"
    meta_line += f". Rebuild: <code>{e(report.get('command'))}</code>"
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width,initial-scale=1'>",
        "<title>simtheory verification report</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>simtheory verification report</h1>",
        f"<p class='muted'>{meta_line}</p>",
    ]
    head = "".join(f"<th title='{e(titles.get(d, d))}'>{e(short.get(d, titles.get(d, d)))}</th>" for d in docs)
    parts.append(f"<table class='sum'><tr><th>verdict</th><th>all</th>{head}</tr>")
    for v in verdicts:
        n = sum(counts[d][v] for d in docs)
        parts.append(
            f"<tr><td><span class='v {_vclass(v)}'>{e(v)}</span></td><td>{n}</td>"
            + "".join(f"<td>{counts[d][v]}</td>" for d in docs)
            + "</tr>"
        )
    parts.append("</table>")
    problems = list(problems)
    if problems:
        parts.append("<h2>Problems</h2><ul class='problems'>" + "".join(f"<li>{e(p)}</li>" for p in problems) + "</ul>")
    vopts = "".join(f"<option value='{e(v)}'>{e(v)}</option>" for v in verdicts)
    dopts = "".join(f"<option value='{e(d)}'>{e(titles.get(d, d))}</option>" for d in docs)
    parts.append(
        "<div class='bar'><label>verdict <select id='fv'><option value=''>all</option>"
        f"{vopts}</select></label><label>document <select id='fd'><option value=''>all</option>{dopts}"
        "</select></label><label>sort <select id='sort'><option value='document'>paper order</option>"
        "<option value='verdict'>verdict (failures first)</option><option value='id'>id</option>"
        "</select></label>"
        "<span id='count' class='muted'></span></div>"
    )
    if not rows:
        parts.append("<p>No claims in this report.</p>")
    pos = 0
    for d in docs:
        parts.append(f"<section class='doc' data-doc='{e(d)}'><h2>{e(titles.get(d, d))}</h2>")
        for r in rows:
            if (r.get("document") or "") == d:
                parts.append(_card(r, pos, {k: short.get(k, v) for k, v in titles.items()}, all_figs))
                pos += 1
        parts.append("</section>")
    if figures:
        parts.append("<h2>All figures</h2>")
        for fam, paths in figures.items():
            parts.append(
                f"<h3>{e(fam)}</h3><div class='fam'>"
                + "".join(
                    f"<figure><a href='{e(p)}'><img src='{e(p)}' alt='{e(Path(p).stem)}' loading='lazy'></a>"
                    f"<figcaption>{e(Path(p).name)}</figcaption></figure>"
                    for p in paths
                )
                + "</div>"
            )
    versions = report.get("versions") or {}
    if versions:
        parts.append(
            "<p class='muted'>" + e(", ".join(f"{k} {v}" for k, v in versions.items() if k != "platform")) + "</p>"
        )
    script = _JS.replace("__VERDICT_ORDER__", json.dumps(list(VERDICT_ORDER)))
    parts.append(f"<script>{script}</script></body></html>")
    return "\n".join(parts) + "\n"


def render(report: Mapping[str, Any], path: Path | str, **kwargs: Any) -> Path:
    """Write :func:`render_string` of ``report`` to ``path``; return the path.

    Parameters
    ----------
    report : mapping
        The report's JSON form (see :func:`render_string`).
    path : path-like
        The HTML file to write (figure paths are relative to its folder).
    **kwargs
        ``documents``, ``figures``, ``problems``, ``short`` of :func:`render_string`.

    Returns
    -------
    pathlib.Path
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_string(report, **kwargs))
    return path


def main(argv: list[str] | None = None) -> int:
    """``python -m simtheory.verify.html report.json [out.html]``: re-render a report page from its JSON."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    if not args:
        print("usage: python -m simtheory.verify.html REPORT_JSON [OUT_HTML]", file=sys.stderr)
        return 2
    src = Path(args[0])
    out = Path(args[1]) if len(args) > 1 else src.with_suffix(".html")
    data = json.loads(src.read_text())
    print(render(data, out, figures=data.get("figures") or None))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
