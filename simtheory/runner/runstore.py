"""The transactional run store: ``OUT/run.sqlite`` (SQLite from the standard library).

Why SQLite: one file, in the standard library, and ACID: every finished cell is one
transaction (its rows commit together or not at all), in WAL mode with
``synchronous=FULL``, so a crash or ``kill -9`` at any instant leaves only whole cells.
``results.csv``, ``meta.json`` and ``summary.json`` are exports of the store.

Tables:

* ``manifest(key, value)``: grid, resolved parameters, seed, backend, package version,
  content hashes of input files (``fingerprint``), plus the full manifest;
* ``sessions``: one row per invocation (command, provenance, ``--allow-dirty``, status);
* ``cells(key, pos, session, seconds)`` and ``rows(cell, idx, data)``: the results;
* ``files(name, sha256)``: every file simtheory wrote into the folder (exports, figures).

A run resumes only when its fingerprint equals the stored one; it holds an exclusive
``flock`` on ``OUT/.simtheory.lock`` for its whole life; a folder with files simtheory did
not write is refused; ``--fresh`` replaces the old results in the same transaction that
commits the first new cell, so a run that fails before that leaves the old results intact.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import fcntl
import json
import os
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from simtheory.runner.store import TMP_PREFIX, cell_key, jsonable
from simtheory.validation import SimTheoryInputError

STORE = "run.sqlite"
LOCK = ".simtheory.lock"
EXPORTS = ("results.csv", "meta.json", "summary.json")
_STORE_FILES = {STORE, STORE + "-wal", STORE + "-shm", STORE + "-journal", LOCK, ".simtheory-committed"}
_LEGACY_SUFFIXES = {".csv", ".json", ".pdf", ".png"}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS manifest (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (id INTEGER PRIMARY KEY, started_utc TEXT, finished_utc TEXT,
    argv TEXT, provenance TEXT, allow_dirty INTEGER, status TEXT);
CREATE TABLE IF NOT EXISTS cells (key TEXT PRIMARY KEY, pos INTEGER NOT NULL, session INTEGER,
    seconds REAL, n_rows INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS rows (cell TEXT NOT NULL, idx INTEGER NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (cell, idx));
CREATE TABLE IF NOT EXISTS files (name TEXT PRIMARY KEY, sha256 TEXT);
"""


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def _dumps(x: Any) -> str:
    return json.dumps(jsonable(x), sort_keys=True, separators=(",", ":"), allow_nan=False)


class FolderLock:
    """Exclusive, non-blocking ``flock`` on ``OUT/.simtheory.lock`` (released on close or process death)."""

    def __init__(self, out: Path):
        self.path = Path(out) / LOCK
        self.fd: int | None = None

    def acquire(self) -> FolderLock:
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        try:
            fd = os.open(self.path, flags, 0o644)
        except OSError as exc:
            raise SimTheoryInputError("--out", f"cannot open the lock file {self.path}: {exc.strerror}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "?"
            os.close(fd)
            raise SimTheoryInputError(
                "--out",
                f"{self.path.parent} is in use by another simtheory run "
                f"(pid {holder}); wait for it or choose another --out",
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self.fd = fd
        return self

    def release(self) -> None:
        if self.fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None


def _read_meta_files(out: Path) -> set[str]:
    try:
        meta = json.loads((out / "meta.json").read_text())
        return set(meta.get("files", [])) if isinstance(meta, dict) else set()
    except (OSError, ValueError):
        return set()


def _is_legacy_run(out: Path) -> bool:
    """A folder written by simtheory before the run store: meta.json naming a grid, results.csv keyed by cell."""
    try:
        meta = json.loads((out / "meta.json").read_text())
        with (out / "results.csv").open() as fh:
            header = fh.readline()
    except (OSError, ValueError):
        return False
    return isinstance(meta, dict) and "grid" in meta and header.startswith("cell")


def _stored_files(out: Path) -> set[str] | None:
    """Names in the store's ``files`` table (None if the store cannot be read)."""
    try:
        conn = sqlite3.connect(f"file:{out / STORE}?mode=ro", uri=True, timeout=5)
        try:
            return {r[0] for r in conn.execute("SELECT name FROM files")}
        finally:
            conn.close()
    except sqlite3.Error:
        return None


def folder_state(out: Path) -> tuple[str, set[str]]:
    """Classify ``out``: ("new" | "store" | "legacy", names of simtheory's files there).

    Raises SimTheoryInputError when ``out`` is not a folder or holds files simtheory did not write.
    """
    out = Path(out)
    if out.is_symlink() and not out.is_dir():
        raise SimTheoryInputError("--out", f"{out} is a dangling symlink")
    if not out.exists():
        return "new", set()
    if not out.is_dir():
        raise SimTheoryInputError("--out", f"{out} exists and is not a folder; choose a folder")
    names = {p.name for p in out.iterdir()}
    ours = {n for n in names if n in _STORE_FILES or n.startswith(TMP_PREFIX)}
    if not names - ours:
        return ("store" if STORE in names else "new"), ours
    if STORE in names:
        known = (_stored_files(out) or set()) | _read_meta_files(out) | set(EXPORTS)
        kind = "store"
    elif _is_legacy_run(out):
        known = {n for n in names if (out / n).is_file() and Path(n).suffix in _LEGACY_SUFFIXES}
        kind = "legacy"
    else:
        known = set()
        kind = "foreign"
    foreign = sorted(names - ours - known)
    if foreign:
        shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
        raise SimTheoryInputError(
            "--out", f"{out} holds files simtheory did not write ({shown}); choose an empty or new --out"
        )
    return kind, ours | (names - ours)


def describe_differences(old: dict, new: dict) -> str:
    """``key: old -> new`` for the differing fingerprint keys (params flattened one level)."""

    def flat(d: dict) -> dict:
        out = {}
        for k, v in d.items():
            if isinstance(v, dict):
                for k2, v2 in v.items():
                    out[f"{k}.{k2}"] = v2
            else:
                out[k] = v
        return out

    def short(v: Any) -> str:
        s = json.dumps(v) if v is not None else "(none)"
        return s if len(s) <= 40 else s[:37] + "..."

    fo, fn = flat(old), flat(new)
    diffs = [
        f"{k}: {short(fo.get(k))} -> {short(fn.get(k))}" for k in sorted(set(fo) | set(fn)) if fo.get(k) != fn.get(k)
    ]
    return "; ".join(diffs)


class RunStore:
    """SQLite run store of one output folder (see the module docstring). Use :meth:`open`."""

    def __init__(
        self,
        out: Path,
        conn: sqlite3.Connection,
        session: int,
        *,
        pending_fresh: bool,
        fingerprint: dict,
        manifest: dict,
        positions: dict[str, int],
        legacy: bool = False,
    ):
        self.out = Path(out)
        self.conn = conn
        self.session = session
        self.pending_fresh = pending_fresh
        self.fingerprint = fingerprint
        self.manifest = manifest
        self.positions = positions
        self._lock = threading.Lock()
        self._legacy = legacy
        self._old_files: set[str] = set()
        self.n_saved_this_session = 0

    # -- opening -------------------------------------------------------------------------
    @staticmethod
    def _connect(path: Path) -> sqlite3.Connection:
        conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=10)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        res = conn.execute("PRAGMA quick_check").fetchone()
        if not res or res[0] != "ok":
            conn.close()
            raise sqlite3.DatabaseError(f"quick_check: {res[0] if res else 'no answer'}")
        conn.executescript(_SCHEMA)
        return conn

    @classmethod
    def open(
        cls,
        out: Path,
        *,
        fingerprint: dict,
        manifest: dict,
        cells: list[dict],
        fresh: bool,
        kind: str,
        argv: str,
        provenance: dict,
        allow_dirty: bool,
    ) -> RunStore:
        """Open (or create) the store of ``out``; the caller holds the folder lock.

        Raises SimTheoryInputError when the stored fingerprint differs (unless ``fresh``) or the
        store is damaged (``fresh`` replaces a damaged store).
        """
        out = Path(out)
        path = out / STORE
        try:
            conn = cls._connect(path)
        except sqlite3.DatabaseError as exc:
            if not fresh:
                raise SimTheoryInputError(
                    "--out",
                    f"the run store {path} is damaged ({exc}); rerun with --fresh to start over or choose a new --out",
                ) from None
            for suffix in ("", "-wal", "-shm", "-journal"):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(str(path) + suffix)
            conn = cls._connect(path)
        fp_text = _dumps(fingerprint)
        row = conn.execute("SELECT value FROM manifest WHERE key='fingerprint'").fetchone()
        n_done = conn.execute("SELECT COUNT(*) FROM cells").fetchone()[0]
        if row is not None and row[0] != fp_text and n_done and not fresh:
            conn.close()
            diff = describe_differences(json.loads(row[0]), json.loads(fp_text))
            raise SimTheoryInputError(
                "--out",
                f"{out} holds {n_done} cells of a run with other settings ({diff}); "
                "pass --fresh to replace them or choose a new --out",
            )
        pending_fresh = fresh and (n_done > 0 or kind == "legacy")
        with cls._tx(conn):
            if not pending_fresh and (row is None or row[0] != fp_text or n_done == 0):
                cls._write_manifest(conn, fingerprint, manifest)
            cur = conn.execute(
                "INSERT INTO sessions (started_utc, argv, provenance, allow_dirty, status) "
                "VALUES (?, ?, ?, ?, 'running')",
                (_now(), argv, _dumps(provenance), int(allow_dirty)),
            )
        positions = {cell_key(c): i for i, c in enumerate(cells)}
        return cls(
            out,
            conn,
            int(cur.lastrowid or 0),
            pending_fresh=pending_fresh,
            fingerprint=fingerprint,
            manifest=manifest,
            positions=positions,
            legacy=kind == "legacy",
        )

    @staticmethod
    @contextlib.contextmanager
    def _tx(conn: sqlite3.Connection):
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    @staticmethod
    def _write_manifest(conn: sqlite3.Connection, fingerprint: dict, manifest: dict) -> None:
        conn.execute("DELETE FROM manifest")
        conn.executemany(
            "INSERT INTO manifest (key, value) VALUES (?, ?)",
            [("fingerprint", _dumps(fingerprint)), ("manifest", _dumps(manifest))],
        )

    # -- writing -------------------------------------------------------------------------
    def append(self, cell: dict, rows: Iterable[dict[str, Any]], seconds: float | None = None) -> None:
        """Store one finished cell: all its rows in one transaction (a duplicate is ignored)."""
        key = cell_key(cell)
        data = [json.dumps({k: jsonable(v) for k, v in r.items()}, separators=(",", ":")) for r in rows]
        with self._lock:
            with self._tx(self.conn):
                if self.pending_fresh:
                    self._replace_old_results()
                cur = self.conn.execute(
                    "INSERT OR IGNORE INTO cells (key, pos, session, seconds, n_rows) VALUES (?, ?, ?, ?, ?)",
                    (key, self.positions.get(key, -1), self.session, seconds, len(data)),
                )
                if cur.rowcount:
                    self.conn.executemany(
                        "INSERT INTO rows (cell, idx, data) VALUES (?, ?, ?)", [(key, i, d) for i, d in enumerate(data)]
                    )
            self.n_saved_this_session += 1
            if self.pending_fresh:
                self.pending_fresh = False
                self._remove_old_files()

    def _replace_old_results(self) -> None:
        """(inside the first new cell's transaction) drop the old run's cells, rows and manifest."""
        self._old_files = {r[0] for r in self.conn.execute("SELECT name FROM files")}
        for table in ("cells", "rows", "files"):
            self.conn.execute(f"DELETE FROM {table}")
        self.conn.execute("DELETE FROM sessions WHERE id != ?", (self.session,))
        self._write_manifest(self.conn, self.fingerprint, self.manifest)

    def _remove_old_files(self) -> None:
        """Delete the old run's exports and figures (after its results left the store)."""
        names = set(self._old_files) | set(EXPORTS) | _read_meta_files(self.out)
        if self._legacy:
            names |= {p.name for p in self.out.iterdir() if p.is_file() and p.suffix in _LEGACY_SUFFIXES}
        for n in names:
            p = self.out / n
            if n in _STORE_FILES or "/" in n or n in ("", ".", ".."):
                continue
            with contextlib.suppress(FileNotFoundError, IsADirectoryError, PermissionError):
                p.unlink()

    def finish_fresh(self) -> None:
        """``--fresh`` with nothing to compute: replace the old results now."""
        if self.pending_fresh:
            with self._lock, self._tx(self.conn):
                self._replace_old_results()
            self.pending_fresh = False
            self._remove_old_files()

    def record_files(self, names: dict[str, str | None]) -> None:
        with self._lock, self._tx(self.conn):
            self.conn.executemany("INSERT OR REPLACE INTO files (name, sha256) VALUES (?, ?)", list(names.items()))

    def end_session(self, status: str) -> None:
        with contextlib.suppress(sqlite3.Error), self._lock, self._tx(self.conn):
            self.conn.execute("UPDATE sessions SET finished_utc=?, status=? WHERE id=?", (_now(), status, self.session))

    # -- reading -------------------------------------------------------------------------
    def finished_cells(self) -> set[str]:
        if self.pending_fresh:
            return set()
        return {r[0] for r in self.conn.execute("SELECT key FROM cells")}

    def n_finished(self) -> int:
        return 0 if self.pending_fresh else self.conn.execute("SELECT COUNT(*) FROM cells").fetchone()[0]

    def export_rows(self) -> tuple[list[str], list[dict[str, Any]]]:
        """(columns, rows) of every stored cell, cells in grid order, rows in cell order."""
        fields = ["cell"]
        seen = {"cell"}
        out: list[dict[str, Any]] = []
        q = "SELECT c.key, r.data FROM cells c LEFT JOIN rows r ON r.cell = c.key ORDER BY c.pos, c.key, r.idx"
        for key, data in self.conn.execute(q):
            row = {"cell": key, **(json.loads(data) if data is not None else {})}
            for k in row:
                if k not in seen:
                    seen.add(k)
                    fields.append(k)
            out.append(row)
        return fields, out

    def sessions(self) -> list[dict[str, Any]]:
        q = "SELECT id, started_utc, finished_utc, argv, provenance, allow_dirty, status FROM sessions ORDER BY id"
        res = []
        for sid, start, end, argv, prov, allow, status in self.conn.execute(q):
            p = json.loads(prov) if prov else {}
            n = self.conn.execute("SELECT COUNT(*) FROM cells WHERE session=?", (sid,)).fetchone()[0]
            res.append(
                {
                    "id": sid,
                    "started_utc": start,
                    "finished_utc": end,
                    "command": argv,
                    "status": status,
                    "allow_dirty": bool(allow),
                    "cells_saved": n,
                    "git": p.get("git"),
                    "source_sha256": p.get("source_sha256"),
                }
            )
        return res

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.conn.close()


def finished_count(out: Path | str) -> int:
    """Cells stored in ``OUT/run.sqlite`` (read-only; 0 if there is no store yet)."""
    path = Path(out) / STORE
    if not path.exists():
        return 0
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            return conn.execute("SELECT COUNT(*) FROM cells").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0
