"""The public API: every package exports ``__all__``, and every exported function or class has a numpydoc
docstring with a Parameters (or Attributes) section when it takes arguments and an Examples section (run as
doctests by ``tests/test_doctests.py``)."""

import importlib
import inspect

import pytest

PACKAGES = (
    "simtheory",
    "simtheory.engine",
    "simtheory.bt",
    "simtheory.cross_prompt",
    "simtheory.reward_models",
    "simtheory.risk_rate",
    "simtheory.general_preference",
    "simtheory.embeddings",
    "simtheory.runner",
    "simtheory.verify",
    "simtheory.testing",
    "simtheory.plotting",
)
ABSTRACT = {"simtheory.verify.Rule"}


def _exported():
    for pkg in PACKAGES:
        mod = importlib.import_module(pkg)
        assert hasattr(mod, "__all__"), f"{pkg} has no __all__"
        for name in mod.__all__:
            obj = getattr(mod, name)
            if inspect.isfunction(obj) or inspect.isclass(obj):
                yield f"{pkg}.{name}", obj


@pytest.mark.parametrize(("name", "obj"), list(_exported()), ids=lambda x: x if isinstance(x, str) else "")
def test_exported_name_has_a_numpydoc_docstring(name, obj):
    if name in ABSTRACT:
        pytest.skip("abstract base class")
    doc = inspect.getdoc(obj) or ""
    params = [p for p in inspect.signature(obj).parameters if p not in ("self", "cls")] if callable(obj) else []
    if params and not inspect.isclass(obj) or (inspect.isclass(obj) and params):
        assert "Parameters" in doc or "Attributes" in doc, f"{name}: no Parameters/Attributes section"
    assert "Examples" in doc, f"{name}: no Examples section"
