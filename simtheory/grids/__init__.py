"""Grid modules run by ``python -m simtheory.run`` (one per experiments/*.toml)."""
