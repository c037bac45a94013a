"""Load simtheory's pytest plugin when its ``pytest11`` entry point is not installed (e.g. an old install)."""

import importlib.metadata

if not any(ep.value == "simtheory.pytest_plugin" for ep in importlib.metadata.entry_points(group="pytest11")):
    pytest_plugins = ["simtheory.pytest_plugin"]
