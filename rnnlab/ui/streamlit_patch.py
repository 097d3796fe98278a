"""The one change rnnlab makes to Streamlit's internals, checked against the version it was written for.

After every script run, Streamlit's script runner calls its module function ``_clean_problem_modules``,
which calls ``keras.backend.clear_session()`` once Keras is imported in the server (the Model and Inside
pages import it). That costs ~60 ms of held GIL per rerun of *any* page and clears Keras's global state
under another session that is building a model at that moment. :func:`keep_keras_state` replaces the
function with one that only closes Matplotlib's figures, as Streamlit's does. (Streamlit's full
``gc.collect`` after every run is turned off in ``.streamlit/config.toml`` with ``runner.postScriptGC``;
that is a public option and needs no patch.)

The patch relies on private names of ``streamlit==1.67.0`` (pinned in ``requirements.txt``). Any other
version, or a script runner that no longer calls the function, is refused loudly: a warning in the log and
a :class:`StreamlitPatchError` naming what changed, so whoever bumps Streamlit re-checks the patch.
"""

from __future__ import annotations

import functools
import inspect
import logging
import sys

import streamlit
from streamlit.runtime.scriptrunner import script_runner

log = logging.getLogger(__name__)

WRITTEN_FOR = "1.67.0"  # the Streamlit version whose script runner this patch was read against
_CALL_SITE = "_log_if_error(_clean_problem_modules)"  # where ScriptRunner calls the replaced function


class StreamlitPatchError(RuntimeError):
    """Streamlit is not the version the patch was written for, or its internals moved."""


@functools.cache
def _problem(version: str) -> str | None:
    """What changed in Streamlit since the patch was written (``None``: nothing); read once per version."""
    if version != WRITTEN_FOR:
        return f"Streamlit is {version}, but the patch was written for {WRITTEN_FOR}"
    if not callable(getattr(script_runner, "_clean_problem_modules", None)):
        return "streamlit's script_runner has no _clean_problem_modules any more"
    if _CALL_SITE not in inspect.getsource(script_runner.ScriptRunner):
        return f"ScriptRunner no longer calls {_CALL_SITE}"
    return None


def check_streamlit(version: str | None = None) -> None:
    """Check that the patched internals are the ones this module was written for.

    Args:
        version: The Streamlit version to check (default: the installed one).

    Raises:
        StreamlitPatchError: for another version, or when ``_clean_problem_modules`` or its call site
            in ``ScriptRunner`` is gone. The same message is logged as a warning first.
    """
    problem = _problem(streamlit.__version__ if version is None else version)
    if problem is not None:
        message = (
            f"rnnlab.ui.streamlit_patch must be re-checked: {problem}. Read the new "
            "streamlit/runtime/scriptrunner/script_runner.py, then update keep_keras_state and WRITTEN_FOR."
        )
        log.warning(message)
        raise StreamlitPatchError(message)


def _close_figures_only() -> None:
    """Streamlit's after-run clean-up without ``keras.backend.clear_session()``."""
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


def keep_keras_state() -> None:
    """Stop Streamlit from calling ``keras.backend.clear_session()`` after every script run.

    The server never trains (workers do); what it builds (the Model page's summary, the Inside page's
    loaded models) is cached and named explicitly, so little accumulates. Safe to call on every rerun.

    Raises:
        StreamlitPatchError: see :func:`check_streamlit`; nothing is patched then.
    """
    check_streamlit()
    script_runner._clean_problem_modules = _close_figures_only
