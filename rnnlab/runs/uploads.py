"""Uploaded files kept once by content hash, each visible only to the workspaces that keep a copy of it
(they uploaded it, or opened a link it was shared with).

A file lives at ``<data dir>/uploads/<sha256>.csv``; the run store's ``uploads`` table holds its size and
``workspace_uploads`` which workspace keeps it under what name, and when it was last used;
``upload_clients`` says from which computer (client address) each workspace's copy came (a copy can also
come from a link its owner shared, :mod:`rnnlab.runs.upload_shares`). So a run on uploaded data can be
exported with
``data.csv`` and ``train_again.py``, loaded again, and restored after a reload or a server restart.

Three limits keep the disk in bounds and the room fair: per workspace
(:func:`rnnlab.core.settings.upload_quota_bytes`) and per computer
(:func:`rnnlab.core.settings.upload_client_quota_bytes`) the owner's own files that no run and no saved
setup uses go first, the least recently used first; for the server's total
(:func:`rnnlab.core.settings.uploads_total_bytes`) the rule of :mod:`rnnlab.runs.upload_room` (unused files,
the largest first, then room taken beyond a fair share). Otherwise the upload is refused with a message,
and nothing of it is kept.

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
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rnnlab.core import settings
from rnnlab.runs.store import RunStore, check_id
from rnnlab.runs.upload_room import Held, room_for

SHA_RE = re.compile(r"^[0-9a-f]{64}$")
MAX_NAME = 200
MAX_CLIENT = 64
# the computer of each workspace's copy: a table of this module (created if missing), deleted with the copy
TABLES = {
    "upload_clients": """CREATE TABLE IF NOT EXISTS upload_clients (
        workspace TEXT NOT NULL, sha256 TEXT NOT NULL, client TEXT NOT NULL,
        PRIMARY KEY (workspace, sha256),
        FOREIGN KEY (workspace, sha256) REFERENCES workspace_uploads (workspace, sha256) ON DELETE CASCADE)""",
}


def size_text(n: int) -> str:
    """``250 bytes``, ``1.5 MB``.

    Example:
        >>> size_text(250), size_text(3 << 19)
        ('250 bytes', '1.5 MB')
    """
    return f"{n} bytes" if n < 1 << 20 else f"{n / (1 << 20):.1f} MB"


def check_sha(value: Any) -> str:
    """Return ``value`` if it is a SHA-256 in hex, else raise ``ValueError`` (hashes name files: no paths)."""
    if not isinstance(value, str) or not SHA_RE.match(value):
        raise ValueError(f"An upload's hash must be 64 hex digits. Received: sha256={str(value)[:80]!r}")
    return value


def _owner(workspace: str, client: str) -> str:
    """Who a copy counts for in the fair share: its computer, else (address unknown) its workspace."""
    return f"client:{client}" if client else f"workspace:{workspace}"


class UploadStore:
    """Uploads under ``<store root>/uploads`` with their bookkeeping in the run store's database.

    Args:
        store: The run store (its data directory and database).
        quota_bytes: Per workspace (default :func:`rnnlab.core.settings.upload_quota_bytes`).
        total_bytes: For the server (default :func:`rnnlab.core.settings.uploads_total_bytes`).
        client_quota_bytes: Per computer, 0 for none (default
            :func:`rnnlab.core.settings.upload_client_quota_bytes`).
    """

    def __init__(self, store: RunStore, quota_bytes: int | None = None, total_bytes: int | None = None,
                 client_quota_bytes: int | None = None) -> None:  # fmt: skip
        self.store = store
        self.dir = store.root / "uploads"
        self.dir.mkdir(exist_ok=True)
        self.quota_bytes = quota_bytes if quota_bytes is not None else settings.upload_quota_bytes()
        self.total_bytes = total_bytes if total_bytes is not None else settings.uploads_total_bytes()
        self.client_quota_bytes = (
            client_quota_bytes if client_quota_bytes is not None else settings.upload_client_quota_bytes()
        )
        with store.connect() as con:
            names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            for table, sql in TABLES.items():
                if table not in names:
                    con.execute(sql)

    def path(self, sha256: str) -> Path:
        return self.dir / f"{check_sha(sha256)}.csv"

    # ---- adding -----------------------------------------------------------------------------------
    def put(self, workspace: str, name: str, data: bytes, client: str = "") -> str:
        """Keep ``data`` (once per content) for ``workspace`` under ``name``, uploaded from ``client`` (its
        address; ``""`` when unknown); return its SHA-256.

        Raises:
            ValueError: larger than the largest upload, or it does not fit the workspace's quota, the
                computer's quota or the server's total even after making room; nothing is kept then.
        """
        check_id(workspace, "workspace")
        if len(data) > settings.max_upload_bytes():
            raise ValueError(
                f"An upload must be at most {settings.max_upload_bytes() >> 20} MB. Received: {len(data)} bytes"
            )
        data = bytes(data)
        sha = hashlib.sha256(data).hexdigest()
        gone: list[str] = []
        with self.store.connect() as con:
            if not con.in_transaction:
                con.execute("BEGIN IMMEDIATE")  # one upload at a time decides what to remove
            known = con.execute("SELECT size FROM uploads WHERE sha256=?", (sha,)).fetchone()
            on_disk = known is not None and self.path(sha).is_file()
            self._link(con, workspace, sha, name, client, len(data), gone, new_file=not on_disk)
            if not on_disk:
                tmp = self.dir / f".{sha}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
                tmp.write_bytes(data)
                os.replace(tmp, self.path(sha))
        self.remove_files(gone)
        return sha

    def _link(self, con: sqlite3.Connection, workspace: str, sha: str, name: str, client: str, size: int,
              gone: list[str], new_file: bool) -> None:  # fmt: skip
        """Give ``workspace`` its copy of the file ``sha`` (within every limit), recorded in ``con``'s
        transaction; files removed for room are added to ``gone`` (deleted from disk after the commit)."""
        now, client = time.time(), str(client)[:MAX_CLIENT]
        linked = con.execute(
            "SELECT 1 FROM workspace_uploads WHERE workspace=? AND sha256=?", (workspace, sha)
        ).fetchone()
        if linked is None:
            self._own_room(con, workspace, client, sha, size)
            self._drop_orphans(con, gone, keep=sha)
        if new_file:
            self._server_room(con, _owner(workspace, client), sha, size, gone)
        con.execute(
            """INSERT INTO uploads (sha256, size, created) VALUES (?,?,?)
               ON CONFLICT (sha256) DO UPDATE SET size=excluded.size""",
            (sha, size, now),
        )
        con.execute(
            """INSERT INTO workspace_uploads (workspace, sha256, name, added, last_used) VALUES (?,?,?,?,?)
               ON CONFLICT (workspace, sha256) DO UPDATE SET name=excluded.name, last_used=excluded.last_used""",
            (workspace, sha, str(name)[:MAX_NAME] or "upload.csv", now, now),
        )
        if linked is None:
            con.execute(
                "INSERT OR REPLACE INTO upload_clients (workspace, sha256, client) VALUES (?,?,?)",
                (workspace, sha, client),
            )

    def _own_room(self, con: sqlite3.Connection, workspace: str, client: str, sha: str, size: int) -> None:
        """Make room within the workspace's quota, then the computer's, from their own unused copies."""
        used = self._in_use(con)
        self._free(con, "w.workspace=?", (workspace,), sha, size, self.quota_bytes, used,
                   f"A workspace's uploads must fit in {size_text(self.quota_bytes)}", "its")  # fmt: skip
        if client and self.client_quota_bytes:
            self._free(con, "c.client=?", (client,), sha, size, self.client_quota_bytes, used,
                       f"One computer's uploads, all its workspaces together, must fit in "
                       f"{size_text(self.client_quota_bytes)}", "its workspaces'")  # fmt: skip

    def _free(self, con: sqlite3.Connection, where: str, args: tuple, sha: str, size: int, quota: int,
              used: dict[str, set[str]], must: str, whose: str) -> None:  # fmt: skip
        """Unlink the owner's unused copies (least recently used first) until ``size`` more bytes fit in
        ``quota``; a file counts once however many of the owner's workspaces keep it. Else refuse."""
        rows = con.execute(
            f"""SELECT w.workspace, w.sha256, u.size FROM workspace_uploads w JOIN uploads u USING (sha256)
                LEFT JOIN upload_clients c USING (workspace, sha256) WHERE {where} ORDER BY w.last_used""",
            args,
        ).fetchall()
        sizes = {r["sha256"]: r["size"] for r in rows}
        if sha in sizes:  # already counted for this owner: no more room needed
            return
        copies = Counter(r["sha256"] for r in rows)
        for row in rows:
            if sum(sizes.values()) + size <= quota:
                break
            if row["sha256"] in used.get(row["workspace"], set()):
                continue
            con.execute("DELETE FROM workspace_uploads WHERE workspace=? AND sha256=?",
                        (row["workspace"], row["sha256"]))  # fmt: skip
            copies[row["sha256"]] -= 1
            if not copies[row["sha256"]]:
                del sizes[row["sha256"]]
        if sum(sizes.values()) + size > quota:
            raise ValueError(
                f"{must}. Received: {size_text(size)} more while {whose} runs and setups use "
                f"{size_text(sum(sizes.values()))} — delete runs on old uploads, or upload a smaller file"
            )

    def _server_room(self, con: sqlite3.Connection, owner: str, sha: str, size: int, gone: list[str]) -> None:
        """Make room for a new file under the server's total (:func:`rnnlab.runs.upload_room.room_for`)."""
        used, run_used = self._in_use(con), self._in_use(con, runs_only=True)
        owners: dict[str, set[str]] = {}
        for row in con.execute("SELECT w.workspace, w.sha256, COALESCE(c.client, '') AS client FROM "
                               "workspace_uploads w LEFT JOIN upload_clients c USING (workspace, sha256)"):  # fmt: skip
            owners.setdefault(row["sha256"], set()).add(_owner(row["workspace"], row["client"]))
        rows = con.execute(
            """SELECT u.sha256, u.size, COALESCE(MAX(w.last_used), u.created) AS last_used FROM uploads u
               LEFT JOIN workspace_uploads w USING (sha256) WHERE u.sha256 != ? GROUP BY u.sha256""",
            (sha,),
        ).fetchall()
        files = [Held(row["sha256"], row["size"], frozenset(owners.get(row["sha256"], ())),
                      used=any(row["sha256"] in s for s in used.values()),
                      run_used=any(row["sha256"] in s for s in run_used.values()), last_used=row["last_used"])
                 for row in rows]  # fmt: skip
        removed = room_for(files, size, owner, self.total_bytes)
        if removed is None:
            raise ValueError(
                f"The server's uploads must fit in {size_text(self.total_bytes)}. Received: {size_text(size)} "
                f"more while {size_text(sum(f.size for f in files))} are kept, in use by runs or within their "
                "computers' fair share — ask the teacher to raise RNNLAB_UPLOADS_TOTAL_MB"
            )
        for removed_sha in removed:
            con.execute("DELETE FROM uploads WHERE sha256=?", (removed_sha,))  # its copies and shares go too
            gone.append(removed_sha)

    def _drop_orphans(self, con: sqlite3.Connection, gone: list[str], keep: str) -> None:
        """Files no workspace keeps and nothing uses are removed (a run's file stays while the run does), but
        not ``keep``, the file being linked."""
        used = set().union(*self._in_use(con).values())
        for row in con.execute(
            "SELECT sha256 FROM uploads WHERE sha256 NOT IN (SELECT sha256 FROM workspace_uploads)"
        ).fetchall():
            if row["sha256"] not in used and row["sha256"] != keep:
                con.execute("DELETE FROM uploads WHERE sha256=?", (row["sha256"],))
                gone.append(row["sha256"])

    def _in_use(self, con: sqlite3.Connection, runs_only: bool = False) -> dict[str, set[str]]:
        """Workspace → SHA-256 of the uploads its runs (and, unless ``runs_only``, its saved setup) use.

        An imported run never counts: its ``dataset_ref`` came in a zip, and naming a hash must not open
        (or pin) another workspace's file.
        """
        out: dict[str, set[str]] = {}
        sql = """SELECT workspace, json_extract(dataset_ref, '$.sha256') AS sha FROM runs
                 WHERE json_extract(dataset_ref, '$.source') = 'upload' AND imported = 0"""
        if not runs_only:
            sql += " UNION SELECT workspace, json_extract(setup, '$.dataset.sha256') FROM workspace_setup"
        for row in con.execute(sql).fetchall():
            if row["sha"]:
                out.setdefault(row["workspace"], set()).add(row["sha"])
        return out

    def remove_files(self, shas: list[str]) -> None:
        """Delete the files of removed uploads (after their rows are gone, so no reader is promised one)."""
        for sha in shas:
            self.path(sha).unlink(missing_ok=True)

    def add_copy(
        self, con: sqlite3.Connection, workspace: str, sha256: str, name: str, client: str = ""
    ) -> list[str]:
        """Give ``workspace`` (from ``client``) its copy of a file the server already keeps, in ``con``'s
        transaction and within the workspace's and the computer's quotas (a link's shared file,
        :mod:`rnnlab.runs.upload_shares`). Returns the files that made room: pass them to
        :meth:`remove_files` once the transaction is committed.

        Raises:
            ValueError: the server keeps no such file, or the copy does not fit a quota.
        """
        row = con.execute("SELECT size FROM uploads WHERE sha256=?", (check_sha(sha256),)).fetchone()
        if row is None or not self.path(sha256).is_file():
            raise ValueError(
                f"The uploaded file is no longer kept on the server. Received: sha256={sha256[:16]}…"
            )
        gone: list[str] = []
        self._link(
            con, check_id(workspace, "workspace"), sha256, name, client, row["size"], gone, new_file=False
        )
        return gone

    # ---- reading ----------------------------------------------------------------------------------
    def get(self, workspace: str, sha256: str) -> bytes:
        """The upload's bytes, if ``workspace`` keeps it (or one of its runs uses it); marks it used.

        Raises:
            ValueError: the workspace has no such upload, or the file is gone.
        """
        check_id(workspace, "workspace")
        check_sha(sha256)
        with self.store.connect() as con:
            cur = con.execute(
                "UPDATE workspace_uploads SET last_used=? WHERE workspace=? AND sha256=?",
                (time.time(), workspace, sha256),
            )
            if cur.rowcount == 0 and sha256 not in self._in_use(con, runs_only=True).get(workspace, set()):
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
            usable = linked is not None or sha256 in self._in_use(con, runs_only=True).get(workspace, set())
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

    def for_run(self, run: Mapping[str, Any]) -> tuple[str, bytes] | None:
        """``(file name, bytes)`` of the upload a run was trained on, or ``None`` (bundled, or no longer kept)."""
        ref = run.get("dataset_ref") or {}
        if ref.get("source") != "upload" or not self.has(run.get("workspace", ""), ref.get("sha256", "")):
            return None
        return str(ref.get("name") or "upload.csv"), self.get(run["workspace"], ref["sha256"])
