"""``--scheduler`` values beyond ``local`` and ``tcp://HOST:PORT``: scheduler files and Dask-Jobqueue specs.

* ``FILE`` - a scheduler file written by ``dask scheduler --scheduler-file FILE`` (the usual way to
  share a scheduler's address on a cluster's shared file system);
* ``slurm:KEY=VALUE,...`` / ``pbs:KEY=VALUE,...`` - a ``dask_jobqueue.SLURMCluster`` / ``PBSCluster``
  started for the run, with the keyword arguments given (numbers and true/false are read as such,
  anything else is a string), e.g. ``slurm:queue=normal,account=abc,cores=8,memory=16GB,walltime=01:00:00``.
  ``jobs=N`` sets how many batch jobs to submit (default: ``--workers``). ``slurm:`` alone takes every
  setting from Dask's jobqueue configuration (``~/.config/dask/jobqueue.yaml``).
  Needs ``dask-jobqueue`` (``pip install 'simtheory[cluster]'``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomllib

from simtheory.validation import SimTheoryInputError

#: spec prefix -> dask_jobqueue class name
JOBQUEUE = {"slurm": "SLURMCluster", "pbs": "PBSCluster"}


@dataclass(frozen=True)
class JobqueueSpec:
    """A parsed ``slurm:...`` / ``pbs:...`` spec: the cluster class, its keyword arguments and the job count."""

    kind: str
    options: dict[str, Any] = field(default_factory=dict)
    jobs: int | None = None


@dataclass(frozen=True)
class SchedulerFile:
    """A ``dask scheduler --scheduler-file`` JSON file."""

    path: str


def _value(raw: str) -> Any:
    """Numbers and booleans as such; anything else (``16GB``, ``01:00:00``, a queue name) stays a string."""
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw
    return value if isinstance(value, (int, float, bool)) else raw


def parse_jobqueue(spec: str) -> JobqueueSpec:
    """Parse ``slurm:KEY=VALUE,...`` (or ``pbs:``); raises :class:`SimTheoryInputError` on a malformed spec."""
    kind, _, rest = spec.partition(":")
    kind = kind.strip().lower()
    if kind not in JOBQUEUE:
        raise SimTheoryInputError(
            "--scheduler", f"unknown cluster type {kind!r}; expected one of {', '.join(p + ':' for p in JOBQUEUE)}"
        )
    options: dict[str, Any] = {}
    for item in filter(None, (s.strip() for s in rest.split(","))):
        key, eq, raw = item.partition("=")
        if not eq or not key.strip():
            raise SimTheoryInputError("--scheduler", f"expected KEY=VALUE in {spec!r}, got {item!r}")
        options[key.strip()] = _value(raw.strip())
    jobs = options.pop("jobs", None)
    if jobs is not None and (not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1):
        raise SimTheoryInputError("--scheduler", f"jobs must be a positive integer, got {jobs!r}")
    return JobqueueSpec(kind, options, jobs)


def parse_scheduler(text: str) -> JobqueueSpec | SchedulerFile | None:
    """A jobqueue spec or a scheduler file, or None when ``text`` is neither (``local`` / an address)."""
    s = text.strip()
    head = s.split(":", 1)[0].lower()
    if head in JOBQUEUE and not s[len(head) + 1 :].startswith("//"):
        return parse_jobqueue(s)
    if "://" in s:
        return None
    p = Path(s).expanduser()
    if p.is_file():
        return SchedulerFile(str(p.resolve()))
    if s.endswith(".json") or "/" in s:
        raise SimTheoryInputError(
            "--scheduler",
            f"scheduler file {s!r} does not exist (start the scheduler with 'dask scheduler --scheduler-file {s}')",
        )
    return None


def cluster_kwargs(spec: JobqueueSpec) -> dict[str, Any]:
    """Keyword arguments for the Dask-Jobqueue cluster class: the spec's options, plus (unless the spec sets a
    ``job_script_prologue``) ``export NUMBA_NUM_THREADS=cores // processes`` so that each worker's numba kernels
    use its own share of the job's cores instead of every core of the node."""
    kwargs = dict(spec.options)
    cores, processes = kwargs.get("cores"), kwargs.get("processes")
    if "job_script_prologue" not in kwargs and isinstance(cores, int) and isinstance(processes, int) and processes > 0:
        try:  # keep the prologue of Dask's jobqueue configuration, if any
            import dask.config

            configured = list(dask.config.get(f"jobqueue.{spec.kind}.job-script-prologue", default=None) or [])
        except ImportError:
            configured = []
        kwargs["job_script_prologue"] = [*configured, f"export NUMBA_NUM_THREADS={max(1, cores // processes)}"]
    return kwargs


def jobqueue_cluster(spec: JobqueueSpec, n_jobs: int):
    """Start the Dask-Jobqueue cluster of ``spec`` and submit ``spec.jobs`` (else ``n_jobs``) batch jobs."""
    try:
        import dask_jobqueue
    except ImportError:
        raise SimTheoryInputError(
            "--scheduler", f"{spec.kind}: needs dask-jobqueue: pip install 'simtheory[cluster]'"
        ) from None
    cls = getattr(dask_jobqueue, JOBQUEUE[spec.kind])
    try:
        cluster = cls(**cluster_kwargs(spec))
    except (TypeError, ValueError) as exc:
        raise SimTheoryInputError("--scheduler", f"{spec.kind}: {' '.join(str(exc).split())}") from None
    cluster.scale(jobs=spec.jobs or n_jobs)
    return cluster
