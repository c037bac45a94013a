"""Open registries: a researcher's own package adds documents, claims and grids through entry points.

Entry-point groups (declare them in your package's ``pyproject.toml``)::

    [project.entry-points."simtheory.documents"]
    my_note = "my_pkg:DOCUMENT_TITLE"      # name -> a str title (or a dict with "title", "short")

    [project.entry-points."simtheory.claims"]
    my_pkg = "my_pkg.claims"               # a module that calls simtheory.verify.registry.register(...)

    [project.entry-points."simtheory.grids"]
    my_pkg = "my_pkg.grids"                # a package (or a module's folder) holding grid *.toml files

After ``pip install`` of that package, ``python -m simtheory.run --list`` shows its grids,
``python -m simtheory.report`` checks its claims, grouped under its document's title, and
``pytest --simtheory-report DIR`` reports the claims its tests exercised. A plugin that
fails to load is reported (:func:`load_errors`) instead of breaking simtheory.
"""

from __future__ import annotations

import importlib
import importlib.metadata as md
from pathlib import Path
from typing import Any

#: entry-point group names
DOCUMENTS_GROUP = "simtheory.documents"
CLAIMS_GROUP = "simtheory.claims"
GRIDS_GROUP = "simtheory.grids"

#: short names of external documents for the report's summary columns
SHORT_NAMES: dict[str, str] = {}
_ERRORS: dict[str, str] = {}


def _entry_points(group: str) -> list[md.EntryPoint]:
    eps = md.entry_points(group=group)
    seen, out = set(), []
    for ep in sorted(eps, key=lambda e: (e.name, e.value)):
        if (ep.name, ep.value) not in seen:  # an editable + a regular install list it twice
            seen.add((ep.name, ep.value))
            out.append(ep)
    return out


def _error(group: str, ep: md.EntryPoint, exc: BaseException) -> None:
    msg = " ".join(str(exc).split())[:300]
    _ERRORS[f"{group}:{ep.name} = {ep.value}"] = f"{type(exc).__name__}: {msg}" if msg else type(exc).__name__


def load_errors() -> dict[str, str]:
    """Entry points that failed to load: ``"group:name = value" -> one-line error``."""
    return dict(_ERRORS)


def register_document(name: str, title: str, short: str | None = None) -> None:
    """Add a document to :data:`simtheory.verify.registry.DOCUMENTS` (claims name it by ``name``).

    Parameters
    ----------
    name : str
        Key that :class:`~simtheory.verify.registry.Claim` uses as ``document``.
    title : str
        Title shown in the report.
    short : str, optional
        Short column name in the report's summary.

    Raises
    ------
    SimTheoryInputError
        When ``name`` is already registered with another title.
    """
    from simtheory.validation import SimTheoryInputError
    from simtheory.verify import registry

    if not isinstance(name, str) or not name:
        raise SimTheoryInputError("name", f"must be a non-empty str, got {name!r}")
    if not isinstance(title, str) or not title:
        raise SimTheoryInputError("title", f"must be a non-empty str, got {title!r}")
    old = registry.DOCUMENTS.get(name)
    if old is not None and old != title:
        raise SimTheoryInputError("name", f"document {name!r} is already registered as {old!r}")
    registry.DOCUMENTS[name] = title
    if short:
        SHORT_NAMES[name] = short


def load_documents() -> dict[str, str]:
    """Register the documents of the ``simtheory.documents`` entry points; return them (name -> title)."""
    found = {}
    for ep in _entry_points(DOCUMENTS_GROUP):
        try:
            obj: Any = ep.load()
            if isinstance(obj, dict):
                title, short = obj["title"], obj.get("short")
            else:
                title, short = obj, None
            register_document(ep.name, str(title), short)
            found[ep.name] = str(title)
        except Exception as exc:  # noqa: BLE001 - reported, never fatal
            _error(DOCUMENTS_GROUP, ep, exc)
    return found


def claim_modules() -> list[str]:
    """Modules named by the ``simtheory.claims`` entry points (documents are loaded first)."""
    load_documents()
    return [ep.value.split(":", 1)[0] for ep in _entry_points(CLAIMS_GROUP)]


def import_claim_modules() -> dict[str, str]:
    """Import every external claims module; return ``module -> one-line error`` for those that failed."""
    errors = {}
    for name in claim_modules():
        try:
            importlib.import_module(name)
        except Exception as exc:  # noqa: BLE001 - the report shows it
            errors[name] = f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}"
    return errors


def grid_dirs() -> list[Path]:
    """Folders of the packages named by the ``simtheory.grids`` entry points."""
    dirs = []
    for ep in _entry_points(GRIDS_GROUP):
        try:
            mod = importlib.import_module(ep.value.split(":", 1)[0])
            paths = list(getattr(mod, "__path__", [])) or [str(Path(str(mod.__file__)).parent)]
            dirs += [Path(p) for p in paths]
        except Exception as exc:  # noqa: BLE001 - reported, never fatal
            _error(GRIDS_GROUP, ep, exc)
    return dirs


def grid_files() -> list[Path]:
    """The ``*.toml`` grid files of every ``simtheory.grids`` entry point."""
    return [p for d in grid_dirs() for p in sorted(d.glob("*.toml"))]


def grid_from_file(path: str | Path):
    """The :class:`~simtheory.runner.grids.Grid` declared in the TOML file ``path`` (from anywhere).

    The grid's ``module`` is imported as usual (from an installed package); when it is not
    importable, the TOML file's folder is put on ``sys.path`` so that a module next to the
    file works too.

    Raises
    ------
    SimTheoryInputError
        When the file is missing, is not valid TOML or lacks ``module``.
    """
    import importlib.util
    import sys

    import tomllib

    from simtheory.runner.grids import Grid
    from simtheory.validation import SimTheoryInputError

    p = Path(path).expanduser()
    if not p.is_file():
        raise SimTheoryInputError("grid", f"no such grid file {str(path)!r}")
    try:
        with p.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise SimTheoryInputError("grid", f"{p}: not valid TOML ({exc})") from None
    if not isinstance(data.get("module"), str):
        raise SimTheoryInputError("grid", f'{p}: needs a top-level `module = "pkg.module"` line')
    try:
        found = importlib.util.find_spec(data["module"]) is not None
    except ModuleNotFoundError:
        found = False
    if not found and str(p.parent.resolve()) not in sys.path:
        sys.path.insert(0, str(p.parent.resolve()))
    return Grid(
        name=data.get("name", p.stem),
        description=data.get("description", ""),
        module=data["module"],
        params=data.get("params", {}),
        quick=data.get("quick", {}),
        path=p.resolve(),
        aliases=list(data.get("aliases", [])),
    )
