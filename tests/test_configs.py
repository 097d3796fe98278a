"""Config mixin: dict/JSON/URL-token round trips, nested configs, tuples, validation of unknown keys."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, dataclass, field

import pytest

from rnnlab.core.config import Config


@dataclass(frozen=True)
class Inner(Config):
    side: str = "post"
    value: float | None = None


@dataclass(frozen=True)
class Outer(Config):
    kind: str
    units: tuple[int, ...] = (32,)
    rate: float = 0.5
    inner: Inner = field(default_factory=Inner)

    def __post_init__(self) -> None:
        if any(u < 1 for u in self.units):
            raise ValueError(f"`units` must all be ≥ 1. Received: units={self.units}")


def test_dict_round_trip_gives_plain_types_and_revives_tuples_and_nested_configs():
    cfg = Outer(kind="forecast", units=(10, 5), inner=Inner(side="pre", value=-1.0))
    data = cfg.to_dict()
    assert data == {
        "kind": "forecast",
        "units": [10, 5],
        "rate": 0.5,
        "inner": {"side": "pre", "value": -1.0},
    }
    assert Outer.from_dict(data) == cfg


def test_json_turns_tuples_into_lists_and_back():
    cfg = Outer(kind="tag", units=(3,))
    assert '"units": [3]' in cfg.to_json()
    back = Outer.from_json(cfg.to_json())
    assert back == cfg
    assert isinstance(back.units, tuple)


def test_int_given_for_float_becomes_float():
    assert Outer.from_dict({"kind": "x", "rate": 1}).rate == 1.0
    assert isinstance(Outer.from_dict({"kind": "x", "rate": 1}).rate, float)


def test_url_token_round_trip_is_url_safe():
    cfg = Outer(kind="classify", units=(64, 32), inner=Inner(value=2.5))
    token = cfg.to_token()
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert Outer.from_token(token) == cfg


def test_bad_token_says_what_could_not_be_read():
    with pytest.raises(ValueError, match="Outer could not be read"):
        Outer.from_token("!!not-base64!!")


def test_unknown_key_is_named():
    with pytest.raises(ValueError, match="Unknown Outer setting\\(s\\): colour"):
        Outer.from_dict({"kind": "x", "colour": "red"})


def test_validation_runs_on_from_dict():
    with pytest.raises(ValueError, match="Received: units=\\(0,\\)"):
        Outer.from_dict({"kind": "x", "units": [0]})


def test_configs_are_frozen_and_replace_makes_a_copy():
    cfg = Outer(kind="x")
    with pytest.raises(FrozenInstanceError):
        cfg.kind = "y"  # type: ignore[misc]
    assert cfg.replace(rate=0.1).rate == 0.1
    assert cfg.rate == 0.5


def test_wrong_type_in_a_hand_edited_dict_is_a_valueerror_not_a_typeerror():
    with pytest.raises(ValueError, match=r"`units` must be a list .* Received: units=5"):
        Outer.from_dict({"kind": "x", "units": 5})
