"""The full configuration (dataset, task with padding, model, training) ⇄ URL query parameters.

Each config travels as its URL-safe token (:meth:`rnnlab.core.config.Config.to_token`), the
bundled dataset as its catalog key, read options as a token of their JSON:
``?ds=sunspots&task=eyJr…&model=eyJj…&train=eyJv…``. Opening such a link restores every
setting, ready to press Start. No TensorFlow is imported.

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
import inspect
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from rnnlab.data import reader
from rnnlab.data.read_options import check_read_options
from rnnlab.models.config import ModelConfig
from rnnlab.runs.values import check_id
from rnnlab.task.types import TaskConfig
from rnnlab.training.config import TrainConfig

CONFIG_PARAMS = ("ds", "ro", "task", "model", "train")
WORKSPACE_PARAM = "ws"  # only in a bookmark link, never in a share link
READ_OPTION_KEYS = tuple(
    name
    for name, p in inspect.signature(reader.read_csv).parameters.items()
    if p.kind is p.KEYWORD_ONLY and name != "name"  # the reader's keyword options, not the display name
)
_KEY_RE = re.compile(r"^[a-z0-9_]{1,40}$")
MAX_TOKEN = 4000


CONFIG_CLASSES: dict[str, type] = {"task": TaskConfig, "model": ModelConfig, "train": TrainConfig}


@dataclass(frozen=True)
class SharedConfig:
    """What a link carries; every part is optional (``None`` = keep the current setting)."""

    dataset: str | None = None  # a bundled catalog key (uploaded files cannot travel in a link)
    read_options: dict[str, Any] = field(default_factory=dict)  # reader overrides for the bundled file
    task: Any = None  # rnnlab.task.types.TaskConfig
    model: Any = None  # rnnlab.models.config.ModelConfig
    train: Any = None  # rnnlab.training.config.TrainConfig

    @property
    def empty(self) -> bool:
        return self.dataset is None and self.task is None and self.model is None and self.train is None


def _b64(obj: Any) -> str:
    raw = json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(token: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode())


def to_query(
    dataset: str | None = None,
    task: Any = None,
    model: Any = None,
    train: Any = None,
    read_options: Mapping[str, Any] | None = None,
) -> dict[str, str]:
    """Query parameters for a configuration (only the parts given).

    Raises:
        ValueError: ``dataset`` is not a catalog-style key.
    """
    out: dict[str, str] = {}
    if dataset is not None:
        if not _KEY_RE.match(str(dataset)):
            raise ValueError(
                f"Only a bundled dataset can travel in a link. Received: dataset={str(dataset)[:60]!r}"
            )
        out["ds"] = dataset
    if read_options:
        out["ro"] = _b64(dict(read_options))
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

    dataset = one("ds")
    if dataset is not None and not _KEY_RE.match(dataset):
        raise ValueError(f"The link's dataset must be a bundled dataset key. Received: ds={dataset[:60]!r}")
    read_options: dict[str, Any] = {}
    if (ro := one("ro")) is not None:
        try:
            raw = _unb64(ro)
        except (ValueError, UnicodeDecodeError, RecursionError) as err:  # deep nesting: RecursionError
            raise ValueError(f"The link's read options could not be read: {err}") from None
        if isinstance(raw, dict):
            unknown = sorted(str(k)[:40] for k in raw if k not in READ_OPTION_KEYS)
            if unknown:
                raise ValueError(
                    f"Unknown read option(s) in the link: {', '.join(unknown)}. Allowed: {', '.join(READ_OPTION_KEYS)}"
                )
        try:
            read_options = check_read_options(raw)
        except ValueError as err:
            raise ValueError(f"The link's read options are not valid: {err}") from None
    configs: dict[str, Any] = {}
    classes = CONFIG_CLASSES
    for name, cls in classes.items():
        token = one(name)
        if token is not None:
            try:
                configs[name] = cls.from_token(token)
            except (
                TypeError,
                ValueError,
            ) as err:  # from_token wraps decoding; __post_init__ raises ValueError
                raise ValueError(f"The link's {name} settings are not valid: {err}") from err
    return SharedConfig(dataset=dataset, read_options=read_options, **configs)


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
    params = to_query(shared.dataset, shared.task, shared.model, shared.train, shared.read_options)
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
