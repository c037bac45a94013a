"""The README's findings table, generated from the claim registry (one source of truth).

``python -m simtheory.verify.findings_table`` replaces the block between ``<!-- findings:start -->`` and
``<!-- findings:end -->`` in README.md; ``--check`` exits 1 when that block is stale (CI); ``--print``
prints the table. The table lists every claim whose expected verdict is not "holds" or that carries a
referee note, with its kind, rule and note, and counts the rest; it is built from the registry only (no
check runs), so it changes only when a claim does.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from simtheory.verify.registry import DOCUMENTS, HOLDS, Claim, all_claims

START, END = "<!-- findings:start -->", "<!-- findings:end -->"
SHORT = {
    "rethinking_bradley_terry": "Rethinking BT",
    "bradley_terry_tutorial": "BT tutorial",
    "general_preference_model": "GPM",
}


def _cell(text: object) -> str:
    return " ".join(str(text if text is not None else "-").split()).replace("|", "\\|")


def table(claims: list[Claim] | None = None) -> str:
    """The Markdown block (without the markers)."""
    claims = all_claims() if claims is None else claims
    shown = [c for c in claims if c.expected != HOLDS or c.note]
    counts = {v: sum(c.expected == v for c in claims) for v in dict.fromkeys(c.expected for c in claims)}
    lines = [
        f"Generated from the claim registry by `python -m simtheory.verify.findings_table` "
        f"({len(claims)} claims; expected verdicts: "
        + ", ".join(f"{n} {v}" for v, n in counts.items())
        + "). Rows: every claim not expected to hold, or with a referee note; "
        "`tests/test_claims.py` checks each expected verdict against the quick check.",
        "",
        "| document | claim | where | kind | expected verdict | rule | referee note |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    order = list(DOCUMENTS)
    for c in sorted(shown, key=lambda c: (order.index(c.document), c.id)):
        exp = (
            c.expected
            if not c.expected_quick or c.expected_quick == c.expected
            else f"{c.expected} (quick: {c.expected_quick})"
        )
        lines.append(
            "| "
            + " | ".join(
                [
                    SHORT.get(c.document, c.document),
                    f"`{c.id}`",
                    _cell(c.where),
                    _cell(c.kind),
                    f"**{exp}**",
                    _cell(c.rule),
                    _cell(c.note),
                ]
            )
            + " |"
        )
    return "\n".join(lines)


def replace_block(text: str, block: str) -> str:
    """``text`` with the findings block replaced (ValueError if the markers are missing)."""
    i, j = text.find(START), text.find(END)
    if i < 0 or j < i:
        raise ValueError(f"README has no {START} ... {END} block")
    return text[: i + len(START)] + "\n" + block + "\n" + text[j:]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m simtheory.verify.findings_table", description=__doc__.split("\n")[0])
    g = p.add_mutually_exclusive_group()
    g.add_argument("--check", action="store_true", help="exit 1 if the README block is stale")
    g.add_argument("--print", action="store_true", help="print the table instead of updating README.md")
    p.add_argument("--readme", default=str(Path(__file__).resolve().parents[2] / "README.md"))
    args = p.parse_args(argv)
    block = table()
    if args.print:
        print(block)
        return 0
    readme = Path(args.readme)
    if not readme.is_file():
        print(f"error: --readme: no such file {readme}", file=sys.stderr)
        return 2
    text = readme.read_text()
    try:
        new = replace_block(text, block)
    except ValueError as exc:
        print(f"error: --readme: {exc}", file=sys.stderr)
        return 2
    if args.check:
        if new != text:
            print(
                f"error: {readme}: findings table is stale; run python -m simtheory.verify.findings_table",
                file=sys.stderr,
            )
            return 1
        return 0
    if new != text:
        readme.write_text(new)
        print(f"updated the findings table in {readme}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
