"""The ``simtheory`` command: ``simtheory run | report | embed | regenerate | bench | figures | doctor | list``.

Built on Typer (:mod:`simtheory.cli.app`) with Rich tables (:mod:`simtheory.cli.console`).
"""
