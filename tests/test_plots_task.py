import plotly.graph_objects as go
import pytest

from rnnlab.evaluation import scoreboard as baselines
from rnnlab.plots import task as plots_task
from rnnlab.task.framing import frame
from rnnlab.task.types import TaskConfig
from tests import task_data


@pytest.fixture
def framed():
    return frame(task_data.ramp(40), TaskConfig("forecast", window=5, offsets=(1, 3)))


def test_window_at_by_hand(framed):
    # first window: inputs 0…4, targets 5 and 7
    assert plots_task.window_at(framed, 0) == {"split": "train", "inputs": (0, 4), "targets": [5, 7]}
    last = plots_task.window_at(framed, plots_task.n_windows(framed) - 1)
    assert last["split"] == "test" and last["targets"][-1] == 39
    with pytest.raises(ValueError, match="`number` must be"):
        plots_task.window_at(framed, plots_task.n_windows(framed))


def test_timeline_shades_splits_and_highlights_the_window(framed):
    fig = plots_task.timeline(framed, 0)
    assert isinstance(fig, go.Figure)
    assert len(fig.layout.shapes) == 4  # train, val, test, the window
    stars = fig.data[2]
    assert list(stars.x) == [5, 7] and list(stars.y) == [5.0, 7.0]
    assert plots_task.zoom_range(framed, 0)[0] == 0


def test_timeline_uses_dates_when_known():
    fd = frame(task_data.bundled("sunspots"), TaskConfig("forecast", window=12))
    fig = plots_task.timeline(fd, 0)
    assert (
        type(fig.data[1].x[0]).__name__ == "datetime" and fig.layout.shapes[0].x0.year == 1750
    )  # first target: step 12 = 1750-01


def test_padding_example_shows_pads():
    ds = task_data.ragged(20)
    fd = frame(ds, TaskConfig("classify"))
    fig = plots_task.padding_example(ds, fd)
    assert len(fig.data) == 3 and fig.data[2].name == "pad = -1"
    assert set(fig.data[2].y) == {-1.0}


def test_scoreboard_table_and_bars():
    fd = frame(task_data.ramp(80), TaskConfig("forecast", window=6))
    board = baselines.scoreboard(fd)
    best = baselines.best(board, "mae")["name"]
    rows = plots_task.scoreboard_table(board, best)
    assert sum(r["baseline"].startswith("★ ") for r in rows) == 1 and "test mae" in rows[0]
    fig = plots_task.scoreboard_bars(board, "mae", best)
    assert [t.name for t in fig.data] == ["val", "test"]
