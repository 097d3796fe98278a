"""Uploaded files kept once by content hash, each visible only to the workspaces that uploaded it.

A file lives at ``<data dir>/uploads/<sha256>.csv``; the run store's ``uploads`` table holds its size and
``workspace_uploads`` which workspace uploaded it under what name, and when it was last used. So a run on
uploaded data can be exported with ``data.csv`` and ``train_again.py``, loaded again, and restored after a
reload or a server restart. Two limits keep the disk in bounds
(:func:`rnnlab.core.settings.upload_quota_bytes` per workspace and
:func:`rnnlab.core.settings.uploads_total_bytes` in all): when a new file would not fit, files that no run
and no saved setup uses go first, the least recently used first; if that is not enough the upload is
refused with a message.

Example:
    >>> import tempfile
    >>> from rnnlab.runs.store import RunStore
    >>> uploads = UploadStore(RunStore(tempfile.mkdtemp()))
    >>> sha = uploads.put("w-example1", "mine.csv", b"t,x\\n1,2\\n")
    >>> uploads.get("w-example1", sha)
    b't,x\\n1,2\\n'
    >>> [u["name"] for u in uploads.entries("w-example1")], uploads.entries("w-other001")
    (['mine.csv'], [])
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import sqlite3
import time
from pathlib import Path
from typing import Any

from rnnlab.core import settings
from rnnlab.runs.store import RunStore, check_id

SHA_RE = re.compile(r"^[0-9a-f]{64}$")
MAX_NAME = 200


def _size(n: int) -> str:
    """``250 bytes``, ``1.5 MB``."""
    return f"{n} bytes" if n < 1 << 20 else f"{n / (1 << 20):.1f} MB"


def check_sha(value: Any) -> str:
    """Return ``value`` if it is a SHA-256 in hex, else raise ``ValueError`` (hashes name files: no paths)."""
    if not isinstance(value, str) or not SHA_RE.match(value):
        raise ValueError(f"An upload's hash must be 64 hex digits. Received: sha256={str(value)[:80]!r}")
    return value


class UploadStore:
    """Uploads under ``<store root>/uploads`` with their bookkeeping in the run store's database.

    Args:
        store: The run store (its data directory and database).
        quota_bytes: Per workspace (default :func:`rnnlab.core.settings.upload_quota_bytes`).
        total_bytes: For the server (default :func:`rnnlab.core.settings.uploads_total_bytes`).
    """

    def __init__(
        self, store: RunStore, quota_bytes: int | None = None, total_bytes: int | None = None
    ) -> None:
        self.store = store
        self.dir = store.root / "uploads"
        self.dir.mkdir(exist_ok=True)
        self.quota_bytes = quota_bytes if quota_bytes is not None else settings.upload_quota_bytes()
        self.total_bytes = total_bytes if total_bytes is not None else settings.uploads_total_bytes()

    def path(self, sha256: str) -> Path:
        return self.dir / f"{check_sha(sha256)}.csv"

    # ---- adding -----------------------------------------------------------------------------------
    def put(self, workspace: str, name: str, data: bytes) -> str:
        """Keep ``data`` (once per content) for ``workspace`` under ``name``; return its SHA-256.

        Raises:
            ValueError: larger than the largest upload, or it does not fit the workspace's quota or the
                server's total even after removing unused files.
        """
        check_id(workspace, "workspace")
        data = bytes(data)
        if len(data) > settings.max_upload_bytes():
            raise ValueError(
                f"An upload must be at most {settings.max_upload_bytes() >> 20} MB. Received: {len(data)} bytes"
            )
        sha = hashlib.sha256(data).hexdigest()
        name = str(name)[:MAX_NAME] or "upload.csv"
        now = time.time()
        with self.store.connect() as con:
            if not con.in_transaction:
                con.execute("BEGIN IMMEDIATE")  # one upload at a time decides what to evict
            known = con.execute("SELECT size FROM uploads WHERE sha256=?", (sha,)).fetchone()
            linked = con.execute(
                "SELECT 1 FROM workspace_uploads WHERE workspace=? AND sha256=?", (workspace, sha)
            ).fetchone()
            if linked is None:
                self._make_room(con, workspace, len(data), new_file=known is None)
            if known is None or not self.path(sha).is_file():
                tmp = self.dir / f".{sha}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
                tmp.write_bytes(data)
                os.replace(tmp, self.path(sha))
                con.execute(
                    "INSERT OR REPLACE INTO uploads (sha256, size, created) VALUES (?,?,?)",
                    (sha, len(data), now),
                )
            con.execute(
                """INSERT INTO workspace_uploads (workspace, sha256, name, added, last_used) VALUES (?,?,?,?,?)
                   ON CONFLICT (workspace, sha256) DO UPDATE SET name=excluded.name, last_used=excluded.last_used""",
                (workspace, sha, name, now, now),
            )
        return sha

    def _make_room(self, con: sqlite3.Connection, workspace: str, size: int, new_file: bool) -> None:
        """Remove unused uploads (least recently used first) until ``size`` more bytes fit; else refuse."""
        used = self._in_use(con)
        mine = con.execute(
            """SELECT w.sha256, u.size FROM workspace_uploads w JOIN uploads u USING (sha256)
               WHERE w.workspace=? ORDER BY w.last_used""",
            (workspace,),
        ).fetchall()
        total_mine = sum(r["size"] for r in mine)
        for row in mine:
            if total_mine + size <= self.quota_bytes:
                break
            if row["sha256"] in used.get(workspace, set()):
                continue
            con.execute(
                "DELETE FROM workspace_uploads WHERE workspace=? AND sha256=?", (workspace, row["sha256"])
            )
            total_mine -= row["size"]
        if total_mine + size > self.quota_bytes:
            raise ValueError(
                f"A workspace's uploads must fit in {_size(self.quota_bytes)}. Received: {_size(size)} more "
                f"while its runs and setup use {_size(total_mine)} — delete runs on old uploads first"
            )
        self._drop_orphans(con)
        if not new_file:
            return
        anywhere = set().union(*used.values())
        rows = con.execute(
            """SELECT u.sha256, u.size, COALESCE(MAX(w.last_used), u.created) AS used FROM uploads u
               LEFT JOIN workspace_uploads w USING (sha256) GROUP BY u.sha256 ORDER BY used"""
        ).fetchall()
        total = sum(r["size"] for r in rows)
        for row in rows:
            if total + size <= self.total_bytes:
                break
            if row["sha256"] in anywhere:
                continue
            self._remove(con, row["sha256"])
            total -= row["size"]
        if total + size > self.total_bytes:
            raise ValueError(
                f"The server's uploads must fit in {_size(self.total_bytes)}. Received: {_size(size)} more "
                f"while {_size(total)} are in use — ask the teacher to raise RNNLAB_UPLOADS_TOTAL_MB"
            )

    def _in_use(self, con: sqlite3.Connection) -> dict[str, set[str]]:
        """Workspace → SHA-256 of the uploads its runs or its saved setup use."""
        out: dict[str, set[str]] = {}
        rows = con.execute(
            """SELECT workspace, json_extract(dataset_ref, '$.sha256') AS sha FROM runs
               WHERE json_extract(dataset_ref, '$.source') = 'upload'
               UNION SELECT workspace, json_extract(setup, '$.dataset.sha256') FROM workspace_setup"""
        ).fetchall()
        for row in rows:
            if row["sha"]:
                out.setdefault(row["workspace"], set()).add(row["sha"])
        return out

    def _drop_orphans(self, con: sqlite3.Connection) -> None:
        """Files no workspace links and nothing uses are removed."""
        used = set().union(*self._in_use(con).values())
        rows = con.execute(
            "SELECT sha256 FROM uploads WHERE sha256 NOT IN (SELECT sha256 FROM workspace_uploads)"
        ).fetchall()
        for row in rows:
            if row["sha256"] not in used:
                self._remove(con, row["sha256"])

    def _remove(self, con: sqlite3.Connection, sha: str) -> None:
        con.execute("DELETE FROM workspace_uploads WHERE sha256=?", (sha,))
        con.execute("DELETE FROM uploads WHERE sha256=?", (sha,))
        self.path(sha).unlink(missing_ok=True)

    # ---- reading ----------------------------------------------------------------------------------
    def get(self, workspace: str, sha256: str) -> bytes:
        """The upload's bytes, if ``workspace`` uploaded it (or one of its runs uses it); marks it used.

        Raises:
            ValueError: the workspace has no such upload, or the file is gone.
        """
        check_id(workspace, "workspace")
        check_sha(sha256)
        now = time.time()
        with self.store.connect() as con:
            cur = con.execute(
                "UPDATE workspace_uploads SET last_used=? WHERE workspace=? AND sha256=?",
                (now, workspace, sha256),
            )
            if cur.rowcount == 0 and sha256 not in self._in_use(con).get(workspace, set()):
                raise ValueError(
                    f"No upload with this hash in this workspace. Received: sha256={sha256[:16]}…"
                )
        path = self.path(sha256)
        if not path.is_file():
            raise ValueError(
                f"The uploaded file is no longer kept on the server. Received: sha256={sha256[:16]}…"
            )
        return path.read_bytes()

    def has(self, workspace: str, sha256: str) -> bool:
        """Whether :meth:`get` would find the upload for ``workspace``."""
        try:
            check_id(workspace, "workspace")
            check_sha(sha256)
        except ValueError:
            return False
        with self.store.connect() as con:
            linked = con.execute(
                "SELECT 1 FROM workspace_uploads WHERE workspace=? AND sha256=?", (workspace, sha256)
            ).fetchone()
            usable = linked is not None or sha256 in self._in_use(con).get(workspace, set())
        return usable and self.path(sha256).is_file()

    def entries(self, workspace: str) -> list[dict[str, Any]]:
        """The workspace's uploads, most recently used first: ``sha256``, ``name``, ``size``, ``added``."""
        check_id(workspace, "workspace")
        with self.store.connect() as con:
            rows = con.execute(
                """SELECT w.sha256, w.name, u.size, w.added, w.last_used FROM workspace_uploads w
                   JOIN uploads u USING (sha256) WHERE w.workspace=? ORDER BY w.last_used DESC""",
                (workspace,),
            ).fetchall()
        return [dict(r) for r in rows]

    def for_run(self, run: dict[str, Any]) -> tuple[str, bytes] | None:
        """``(file name, bytes)`` of the upload a run was trained on, or ``None`` (bundled, or no longer kept)."""
        ref = run.get("dataset_ref") or {}
        if ref.get("source") != "upload" or not self.has(run.get("workspace", ""), ref.get("sha256", "")):
            return None
        return str(ref.get("name") or "upload.csv"), self.get(run["workspace"], ref["sha256"])
