"""docs/cluster.md's LocalCluster example runs as written; docs/cli.md names only commands that exist."""

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _tested_block(text: str) -> str:
    marker = text.index("<!-- tested:")
    return re.search(r"```python\n(.*?)```", text[marker:], re.DOTALL).group(1)


@pytest.mark.slow  # a 2-process LocalCluster + 16 small cells: ~10-20 s on 2 busy cores
def test_cluster_md_localcluster_example(tmp_path, monkeypatch):
    pytest.importorskip("distributed")
    monkeypatch.chdir(tmp_path)
    code = _tested_block((DOCS / "cluster.md").read_text())
    exec(compile(code, "docs/cluster.md", "exec"), {"__name__": "docs_example"})  # noqa: S102 - the documented example; its own assert compares
    assert (tmp_path / "results" / "bt_dask" / "results.csv").is_file()


def test_cli_md_names_real_commands():
    from simtheory.cli.app import app
    from simtheory.cli.bench import BENCHMARKS

    text = (DOCS / "cli.md").read_text() + (DOCS / "cluster.md").read_text()
    commands = {c.name or c.callback.__name__ for c in app.registered_commands} | {"bench"}
    used = set(re.findall(r"`?simtheory ([a-z]+)\b", text))
    assert used and used <= commands, used - commands
    assert set(re.findall(r"simtheory bench ([a-z]+)", text)) <= set(BENCHMARKS)
    for code in ("| 0 |", "| 1 |", "| 2 |", "| 130 |"):
        assert code in text
