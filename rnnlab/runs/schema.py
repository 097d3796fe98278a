"""The run store's schema as an ordered list of migrations, and the owner-process token.

``MIGRATIONS[i]`` turns a version-``i`` database into version ``i + 1`` (version 0 =
empty file). A database is never dropped: :func:`migrate` applies the missing steps in
order, each in one transaction, and records the version in ``schema_version``.
Append new steps at the end; never edit a released one.
"""

from __future__ import annotations

import sqlite3

MIGRATIONS: list[list[str]] = [
    # 1: runs and their per-epoch logs
    [
        """CREATE TABLE runs (
            id TEXT PRIMARY KEY,
            workspace TEXT NOT NULL,
            created REAL NOT NULL,
            status TEXT NOT NULL,
            dataset_name TEXT,
            dataset_ref TEXT,
            task_kind TEXT,
            task_config TEXT,
            model_config TEXT,
            train_config TEXT,
            params INTEGER,
            device TEXT,
            versions TEXT,
            seconds REAL,
            test_metrics TEXT,
            scoreboard TEXT,
            verdict TEXT,
            skill REAL,
            message TEXT,
            model_path TEXT
        )""",
        """CREATE TABLE epochs (
            run_id TEXT NOT NULL,
            epoch INTEGER NOT NULL,
            logs TEXT NOT NULL,
            PRIMARY KEY (run_id, epoch)
        )""",
        "CREATE INDEX runs_workspace ON runs (workspace, created)",
    ],
    # 2: sharing, owner process (to detect interrupted runs), ranking columns, predictions
    [
        "ALTER TABLE runs ADD COLUMN updated REAL",
        "ALTER TABLE runs ADD COLUMN shared INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE runs ADD COLUMN label TEXT",
        "ALTER TABLE runs ADD COLUMN owner_pid INTEGER",
        "ALTER TABLE runs ADD COLUMN owner_token TEXT",
        "ALTER TABLE runs ADD COLUMN main_metric TEXT",
        "ALTER TABLE runs ADD COLUMN test_value REAL",
        "ALTER TABLE runs ADD COLUMN best_val REAL",
        "ALTER TABLE runs ADD COLUMN best_baseline TEXT",
        "ALTER TABLE runs ADD COLUMN epochs_done INTEGER NOT NULL DEFAULT 0",
        "UPDATE runs SET updated = created",
        "UPDATE runs SET main_metric = CASE WHEN task_kind = 'classify' THEN 'accuracy' ELSE 'mae' END",
        "UPDATE runs SET epochs_done = (SELECT COUNT(*) FROM epochs WHERE epochs.run_id = runs.id)",
        """CREATE TABLE predictions (
            run_id TEXT PRIMARY KEY,
            y_pred TEXT NOT NULL,
            y_true TEXT
        )""",
        "CREATE INDEX runs_board ON runs (shared, dataset_name, task_kind, test_value)",
    ],
    # 3: each workspace's setup (dataset, read options, task, model, training), kept uploads
    [
        """CREATE TABLE workspace_setup (
            workspace TEXT PRIMARY KEY,
            setup TEXT NOT NULL,
            updated REAL NOT NULL
        )""",
        """CREATE TABLE uploads (
            sha256 TEXT PRIMARY KEY,
            size INTEGER NOT NULL,
            created REAL NOT NULL
        )""",
        """CREATE TABLE workspace_uploads (
            workspace TEXT NOT NULL,
            sha256 TEXT NOT NULL REFERENCES uploads (sha256) ON DELETE CASCADE,
            name TEXT NOT NULL,
            added REAL NOT NULL,
            last_used REAL NOT NULL,
            PRIMARY KEY (workspace, sha256)
        )""",
        "CREATE INDEX workspace_uploads_used ON workspace_uploads (last_used)",
    ],
    # 4: the verdict as an object (outcome, the baselines better on test, the bootstrap interval); imported runs
    [
        "ALTER TABLE runs ADD COLUMN judgement TEXT",
        "ALTER TABLE runs ADD COLUMN imported INTEGER NOT NULL DEFAULT 0",
        "UPDATE runs SET imported = 1 WHERE label LIKE 'imported:%'",
    ],
    # 5: the request a run belongs to (a backtest's origins, a race), and its uncertainty (prediction intervals
    #    or calibration)
    [
        "ALTER TABLE runs ADD COLUMN run_group TEXT",
        "ALTER TABLE runs ADD COLUMN uncertainty TEXT",
        "CREATE INDEX runs_group ON runs (workspace, run_group)",
    ],
]

LATEST = len(MIGRATIONS)


def current_version(con: sqlite3.Connection) -> int:
    con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied REAL)")
    row = con.execute("SELECT MAX(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def migrate(con: sqlite3.Connection, target: int = LATEST) -> int:
    """Apply the missing migration steps up to ``target``; return the version reached.

    Raises:
        ValueError: the database is newer than this code knows.
    """
    version = current_version(con)
    con.commit()
    if version > LATEST:
        raise ValueError(
            f"The run store's schema must be at most version {LATEST}. Received: version={version} "
            "(written by a newer rnnlab)"
        )
    while version < target:
        con.execute("BEGIN IMMEDIATE")  # one writer migrates; the others wait, then see the new version
        try:
            version = current_version(con)
            if version < target:
                for sql in MIGRATIONS[version]:
                    con.execute(sql)
                con.execute(
                    "INSERT INTO schema_version (version, applied) VALUES (?, strftime('%s','now'))",
                    (version + 1,),
                )
                version += 1
            con.commit()
        except BaseException:
            con.rollback()
            raise
    return version
