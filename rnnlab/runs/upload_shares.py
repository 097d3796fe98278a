"""Uploaded files shared with a configuration link, by the choice of the workspace that keeps them.

Sharing makes a random token for one file of one workspace (``upload_shares``, a table of this module,
created if missing and deleted with the workspace's copy it describes). Whoever opens a link carrying the
token gets a copy in their own workspace: a reference to the same kept file (the server stores and counts
it once), within their workspace's and computer's quotas. The content hash alone, which a link also
carries to name the file, never opens one. Stopping the share makes the token worthless; copies made
before stay with their workspaces.

Example:
    >>> import tempfile
    >>> from rnnlab.runs.store import RunStore
    >>> uploads = UploadStore(RunStore(tempfile.mkdtemp()))
    >>> sha = uploads.put("w-example1", "mine.csv", b"t,x\\n1,2\\n")
    >>> shares = UploadShares(uploads)
    >>> shares.open(shares.share("w-example1", sha), "w-other001") == (sha, "mine.csv")
    True
"""

from __future__ import annotations

import re
import secrets
import time

from rnnlab.runs.store import check_id
from rnnlab.runs.uploads import UploadStore, check_sha

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
TABLE = """CREATE TABLE IF NOT EXISTS upload_shares (
    token TEXT PRIMARY KEY, workspace TEXT NOT NULL, sha256 TEXT NOT NULL, created REAL NOT NULL,
    UNIQUE (workspace, sha256),
    FOREIGN KEY (workspace, sha256) REFERENCES workspace_uploads (workspace, sha256) ON DELETE CASCADE)"""


class UploadShares:
    """The share tokens of the uploads an :class:`~rnnlab.runs.uploads.UploadStore` keeps.

    Args:
        uploads: The upload store (its database and files).
    """

    def __init__(self, uploads: UploadStore) -> None:
        self.uploads = uploads
        with uploads.store.connect() as con:
            if con.execute("SELECT 1 FROM sqlite_master WHERE name='upload_shares'").fetchone() is None:
                con.execute(TABLE)

    def share(self, workspace: str, sha256: str) -> str:
        """The token of links that share the workspace's upload (made once, then the same).

        Raises:
            ValueError: the workspace keeps no such upload.
        """
        check_id(workspace, "workspace")
        check_sha(sha256)
        with self.uploads.store.connect() as con:
            token = self._token(con, workspace, sha256)
            if token is not None:
                return token
            if con.execute("SELECT 1 FROM workspace_uploads WHERE workspace=? AND sha256=?",
                           (workspace, sha256)).fetchone() is None:  # fmt: skip
                raise ValueError(
                    f"Only an upload this workspace keeps can be shared. Received: sha256={sha256[:16]}…"
                )
            token = secrets.token_urlsafe(18)
            con.execute("INSERT INTO upload_shares (token, workspace, sha256, created) VALUES (?,?,?,?)",
                        (token, workspace, sha256, time.time()))  # fmt: skip
        return token

    def unshare(self, workspace: str, sha256: str) -> None:
        """Stop sharing: links made before no longer bring the file (those who opened one keep their copy)."""
        with self.uploads.store.connect() as con:
            con.execute("DELETE FROM upload_shares WHERE workspace=? AND sha256=?", (workspace, sha256))

    def token(self, workspace: str, sha256: str) -> str | None:
        """The token sharing the workspace's upload, or ``None`` when it is not shared."""
        with self.uploads.store.connect() as con:
            return self._token(con, workspace, sha256)

    @staticmethod
    def _token(con, workspace: str, sha256: str) -> str | None:
        row = con.execute("SELECT token FROM upload_shares WHERE workspace=? AND sha256=?",
                          (workspace, sha256)).fetchone()  # fmt: skip
        return None if row is None else str(row["token"])

    def open(self, token: str, workspace: str, client: str = "") -> tuple[str, str]:
        """Give ``workspace`` (opened from ``client``) its copy of the file a link shares: the same content
        hash, kept once on the server, within the workspace's and the computer's quotas. Returns
        ``(sha256, file name)``.

        Raises:
            ValueError: the token is malformed, no longer shares a file, or the copy does not fit a quota.
        """
        check_id(workspace, "workspace")
        if not isinstance(token, str) or not TOKEN_RE.match(token):
            raise ValueError(
                f"A shared upload's token must be 20–64 URL-safe characters. Received: {str(token)[:80]!r}"
            )
        with self.uploads.store.connect() as con:
            if not con.in_transaction:
                con.execute("BEGIN IMMEDIATE")  # the share and the copy in one step
            row = con.execute(
                """SELECT s.sha256, w.name FROM upload_shares s JOIN workspace_uploads w USING (workspace, sha256)
                   WHERE s.token=?""",
                (token,),
            ).fetchone()
            if row is None or not self.uploads.path(row["sha256"]).is_file():
                raise ValueError("The uploaded file of this link is no longer shared: its owner stopped sharing "
                                 "it, or the server no longer keeps it")  # fmt: skip
            gone = self.uploads.add_copy(con, workspace, row["sha256"], row["name"], client)
        self.uploads.remove_files(gone)
        return str(row["sha256"]), str(row["name"])
