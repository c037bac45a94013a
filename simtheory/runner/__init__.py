"""The runner layer: grids, the run store, Dask execution and the ``run`` command line."""

from simtheory.runner.grids import Grid, available_grids, cell_seed, get_grid, run_grid

__all__ = ["Grid", "available_grids", "cell_seed", "get_grid", "run_grid"]
