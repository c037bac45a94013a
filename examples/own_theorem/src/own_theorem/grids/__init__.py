"""Grid declarations of own_theorem (``*.toml``), found through the ``simtheory.grids`` entry point."""
