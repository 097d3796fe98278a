"""The full configuration (dataset, task with padding, model, training) ⇄ URL query parameters.

Each config travels as its URL-safe token (:meth:`rnnlab.core.config.Config.to_token`), the
bundled dataset as its catalog key, read options as a token of their JSON:
``?ds=sunspots&task=eyJr…&model=eyJj…&train=eyJv…``. Opening such a link restores every
setting, ready to press Start. No TensorFlow is imported.

An uploaded file travels as its description (``uf``: name, size and content hash, so whoever opens the link
sees which file to upload) and, only when its owner chose to share it, a token (``up``) by which the
opener's workspace gets its own reference to the same kept file (:meth:`rnnlab.runs.uploads.UploadStore.share`).
The hash alone never opens a file.

Example:
    >>> from rnnlab.models.config import ModelConfig
    >>> params = to_query(dataset="sunspots", model=ModelConfig(cell="lstm"))
    >>> sorted(params)
    ['ds', 'model']
    >>> from_query(params).model.cell
    'lstm'
"""

from __future__ import annotations

import base64
import dataclasses
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from rnnlab.core.config import Config
from rnnlab.data.read_options import ReadOptions, check_read_options
from rnnlab.models.config import ModelConfig
from rnnlab.runs.values import check_id
from rnnlab.task.types import TaskConfig
from rnnlab.training.config import TrainConfig

CONFIG_PARAMS = ("ds", "ro", "task", "model", "train", "uf", "up")
WORKSPACE_PARAM = "ws"  # only in a bookmark link, never in a share link
READ_OPTION_KEYS = tuple(f.name for f in dataclasses.fields(ReadOptions))  # the reading options, in order
_KEY_RE = re.compile(r"^[a-z0-9_]{1,40}$")
_SHA_RE = re.compile(r"^[0-9a-f]{64}$")
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
MAX_FILE_NAME = 200
MAX_TOKEN = 4000


CONFIG_CLASSES: dict[str, type[Config]] = {"task": TaskConfig, "model": ModelConfig, "train": TrainConfig}


@dataclass(frozen=True)
class SharedConfig:
    """What a link carries; every part is optional (``None`` = keep the current setting)."""

    dataset: str | None = None  # a bundled catalog key
    read_options: dict[str, Any] = field(default_factory=dict)  # the file's ReadOptions, as their dict
    task: Any = None  # rnnlab.task.types.TaskConfig
    model: Any = None  # rnnlab.models.config.ModelConfig
    train: Any = None  # rnnlab.training.config.TrainConfig
    upload: dict[str, Any] | None = None  # the uploaded file the link was made from: name, size, sha256
    upload_token: str | None = None  # present when its owner shares the file itself with the link

    def __post_init__(self) -> None:  # one spelling of each reading (defaults left out), validated
        object.__setattr__(self, "read_options", check_read_options(self.read_options or {}))

    @property
    def empty(self) -> bool:
        parts = (self.dataset, self.task, self.model, self.train, self.upload)
        return all(part is None for part in parts)


def _b64(obj: Any) -> str:
    raw = json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(token: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode())


def check_upload(value: Any) -> dict[str, Any]:
    """An uploaded file's description as a link carries it, checked: ``{"name", "size", "sha256"}``.

    Raises:
        ValueError: not such a description (the message says which part).

    Example:
        >>> check_upload({"name": "mine.csv", "size": 12, "sha256": "ab" * 32})["name"]
        'mine.csv'
    """
    if not isinstance(value, dict) or set(value) != {"name", "size", "sha256"}:
        raise ValueError(
            f"The link's file must be described by name, size and sha256. Received: {str(value)[:80]!r}"
        )
    name, size, sha = value["name"], value["size"], value["sha256"]
    if not isinstance(name, str) or not 0 < len(name) <= MAX_FILE_NAME or not name.isprintable():
        raise ValueError(
            f"The link's file name must be 1–{MAX_FILE_NAME} printable characters. Received: {str(name)[:80]!r}"
        )
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise ValueError(f"The link's file size must be a whole number ≥ 0. Received: {str(size)[:40]!r}")
    if not isinstance(sha, str) or not _SHA_RE.match(sha):
        raise ValueError(f"The link's file hash must be 64 hex digits. Received: {str(sha)[:80]!r}")
    return {"name": name, "size": size, "sha256": sha}


def to_query(
    dataset: str | None = None,
    task: Any = None,
    model: Any = None,
    train: Any = None,
    read_options: Mapping[str, Any] | None = None,
    upload: Mapping[str, Any] | None = None,
    upload_token: str | None = None,
) -> dict[str, str]:
    """Query parameters for a configuration (only the parts given): a bundled ``dataset`` or an ``upload``
    (its description, see :func:`check_upload`, with the ``upload_token`` that shares it, if any).

    Raises:
        ValueError: ``dataset`` is not a catalog-style key, both a dataset and an upload are given, or the
            upload's description or token is malformed.
    """
    out: dict[str, str] = {}
    if dataset is not None:
        if not _KEY_RE.match(str(dataset)):
            raise ValueError(
                f"Only a bundled dataset can travel in a link by its name. Received: dataset={str(dataset)[:60]!r}"
            )
        out["ds"] = dataset
    if upload is not None:
        if dataset is not None:
            raise ValueError(f"A link carries one dataset. Received: dataset={dataset!r} and an upload")
        out["uf"] = _b64(check_upload(dict(upload)))
        if upload_token is not None:
            if not _TOKEN_RE.match(str(upload_token)):
                raise ValueError(
                    f"An upload's share token must be 20–64 URL-safe characters. Received: {str(upload_token)[:80]!r}"
                )
            out["up"] = str(upload_token)
    if read_options and (chosen := check_read_options(read_options)):  # validated, defaults left out
        out["ro"] = _b64(chosen)
    for name, cfg in (("task", task), ("model", model), ("train", train)):
        if cfg is not None:
            out[name] = cfg.to_token()
    return out


def from_query(params: Mapping[str, Any]) -> SharedConfig:
    """Read a configuration back from query parameters (other parameters are ignored).

    Raises:
        ValueError: a parameter is malformed or describes an invalid config (the message says which).
    """

    def one(name: str) -> str | None:
        return _param(params, name)

    dataset = one("ds")
    if dataset is not None and not _KEY_RE.match(dataset):
        raise ValueError(f"The link's dataset must be a bundled dataset key. Received: ds={dataset[:60]!r}")
    read_options = _link_read_options(one("ro"))
    upload, upload_token = _link_upload(one("uf"), one("up"), dataset)
    configs: dict[str, Any] = {}
    for name, cls in CONFIG_CLASSES.items():
        token = one(name)
        if token is not None:
            try:
                configs[name] = cls.from_token(token)
            except (
                TypeError,
                ValueError,
            ) as err:  # from_token wraps decoding; __post_init__ raises ValueError
                raise ValueError(f"The link's {name} settings are not valid: {err}") from err
    return SharedConfig(
        dataset=dataset, read_options=read_options, upload=upload, upload_token=upload_token, **configs
    )


def _param(params: Mapping[str, Any], name: str) -> str | None:
    """One query parameter as text (the last of repeated ones), ``None`` when absent or empty.

    Raises:
        ValueError: longer than :data:`MAX_TOKEN`.
    """
    value = params.get(name)
    if isinstance(value, (list, tuple)):
        value = value[-1] if value else None
    if value is None or value == "":
        return None
    if len(str(value)) > MAX_TOKEN:
        raise ValueError(
            f"The link's `{name}` must be at most {MAX_TOKEN} characters. Received: {len(value)}"
        )
    return str(value)


def _link_read_options(token: str | None) -> dict[str, Any]:
    """The read options a link's ``ro`` carries, checked (``{}`` without one).

    Raises:
        ValueError: unreadable, an unknown option, or an invalid value.
    """
    if token is None:
        return {}
    try:
        raw = _unb64(token)
    except (ValueError, UnicodeDecodeError, RecursionError) as err:  # deep nesting: RecursionError
        raise ValueError(f"The link's read options could not be read: {err}") from None
    if isinstance(raw, dict):
        unknown = sorted(str(k)[:40] for k in raw if k not in READ_OPTION_KEYS)
        if unknown:
            raise ValueError(
                f"Unknown read option(s) in the link: {', '.join(unknown)}. Allowed: {', '.join(READ_OPTION_KEYS)}"
            )
    try:
        return check_read_options(raw)
    except ValueError as err:
        raise ValueError(f"The link's read options are not valid: {err}") from None


def _link_upload(
    uf: str | None, upload_token: str | None, dataset: str | None
) -> tuple[dict | None, str | None]:
    """The uploaded file a link describes (``uf``) and its share token (``up``), checked.

    Raises:
        ValueError: unreadable, a bundled dataset as well, or a token without its file or malformed.
    """
    upload = None
    if uf is not None:
        try:
            upload = check_upload(_unb64(uf))
        except (ValueError, UnicodeDecodeError, RecursionError) as err:
            raise ValueError(f"The link's uploaded file could not be read: {err}") from None
        if dataset is not None:
            raise ValueError(f"A link carries one dataset. Received: ds={dataset!r} and an uploaded file")
    if upload_token is not None and (upload is None or not _TOKEN_RE.match(upload_token)):
        raise ValueError(f"The link's upload token must come with its file and be 20–64 URL-safe characters. "
                         f"Received: up={upload_token[:80]!r}")  # fmt: skip
    return upload, upload_token


def link(base_url: str, shared: SharedConfig, **extra: str) -> str:
    """The full URL for ``shared`` (``extra``: display parameters such as ``present="1"``).

    A share link carries the configuration and never a workspace: whoever opens it gets a fresh
    workspace set up the same way (the student's own workspace travels only in :func:`bookmark_link`).

    Raises:
        ValueError: ``extra`` names a workspace or a configuration part.
    """
    refused = sorted(set(extra) & {WORKSPACE_PARAM, *CONFIG_PARAMS})
    if refused:
        raise ValueError(f"A share link must not carry {', '.join(refused)}. Received: {refused}")
    params = to_query(shared.dataset, shared.task, shared.model, shared.train, shared.read_options,
                      shared.upload, shared.upload_token)  # fmt: skip
    params.update({k: v for k, v in extra.items() if v})
    return f"{base_url.rstrip('?')}?{urlencode(params)}" if params else base_url


def bookmark_link(base_url: str, workspace: str, **extra: str) -> str:
    """The link back to one's own workspace (runs, setup, running trainings) — to bookmark, not to share.

    Example:
        >>> bookmark_link("http://localhost:8501/train", "wAbcdefgh123", present="1")
        'http://localhost:8501/train?ws=wAbcdefgh123&present=1'
    """
    params = {WORKSPACE_PARAM: check_id(workspace, "workspace"), **{k: v for k, v in extra.items() if v}}
    return f"{base_url.rstrip('?')}?{urlencode(params)}"
