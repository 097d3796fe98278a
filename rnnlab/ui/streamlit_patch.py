"""The two changes rnnlab makes to Streamlit's internals, each applied only where those internals are.

After every script run, Streamlit's script runner calls its module function ``_clean_problem_modules``,
which calls ``keras.backend.clear_session()`` once Keras is imported in the server (the Model and Inside
pages import it). That costs ~60 ms of held GIL per rerun of *any* page and clears Keras's global state
under another session that is building a model at that moment. :func:`keep_keras_state` replaces the
function with one that only closes Matplotlib's figures, as Streamlit's does. (Streamlit's full
``gc.collect`` after every run is turned off in ``.streamlit/config.toml`` with ``runner.postScriptGC``;
that is a public option and needs no patch.)

The patch relies on private names of Streamlit's script runner, read against ``streamlit==1.67.0`` (pinned
in ``requirements.txt``). It is applied whenever those internals are still there, on any version; when
they moved, the app starts without it and says once in the log what that costs (:data:`COST`), so whoever
bumps Streamlit knows what to re-read. Nothing else depends on it.

:func:`no_legacy_pages_router` (called by ``serve.py`` before the server starts): a folder named ``pages/``
beside the main script makes Streamlit route the *first* request after a start through its old pages-folder
router, which knows no ``/train`` and shows a false "Page not found" notice over the right page
(streamlit/streamlit#9992); ``st.navigation`` turns that router off on its first run anyway, so turning it
off before the first request changes nothing else.
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


COST = (
    "Streamlit then calls keras.backend.clear_session() after every script run once Keras is imported in the "
    "server (the Model and Inside pages): about 60 ms of held GIL per rerun of any page, and a model another "
    "session is building at that moment loses Keras's global state. Everything else works."
)


@functools.cache
def _problem(version: str) -> str | None:
    """Why the patch cannot be applied (``None``: the internals it replaces are there); read once per version."""
    if not callable(getattr(script_runner, "_clean_problem_modules", None)):
        return f"Streamlit {version}'s script_runner has no _clean_problem_modules any more"
    if _CALL_SITE not in inspect.getsource(script_runner.ScriptRunner):
        return f"Streamlit {version}'s ScriptRunner no longer calls {_CALL_SITE}"
    return None


def check_streamlit(version: str | None = None) -> str | None:
    """What keeps the patch from applying to this Streamlit (``None``: it applies).

    Args:
        version: The Streamlit version to name in the message (default: the installed one).
    """
    return _problem(streamlit.__version__ if version is None else version)


@functools.cache
def _say_once(message: str, level: int) -> None:
    log.log(level, message)


def _close_figures_only() -> None:
    """Streamlit's after-run clean-up without ``keras.backend.clear_session()``."""
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


def keep_keras_state() -> bool:
    """Stop Streamlit from calling ``keras.backend.clear_session()`` after every script run; return whether
    the patch is applied.

    The server never trains (workers do); what it builds (the Model page's summary, the Inside page's
    loaded models) is cached and named explicitly, so little accumulates. Safe to call on every rerun. When
    Streamlit's internals moved, nothing is patched and one warning says what that costs; on another version
    whose internals are unchanged, the patch applies and one line says so.
    """
    version = streamlit.__version__
    problem = check_streamlit(version)
    if problem is not None:
        _say_once(f"rnnlab.ui.streamlit_patch is not applied: {problem}. {COST}", logging.WARNING)
        return False
    if version != WRITTEN_FOR:
        _say_once(f"rnnlab.ui.streamlit_patch was read against Streamlit {WRITTEN_FOR}; Streamlit {version} has "
                  "the same internals, so it is applied.", logging.INFO)  # fmt: skip
    script_runner._clean_problem_modules = _close_figures_only
    return True


def no_legacy_pages_router() -> bool:
    """Turn off Streamlit's pages-folder router before the first request (see the module docstring); return
    whether it was turned off. Where Streamlit no longer has the flag, nothing is changed and the log says
    once what that costs."""
    manager: type | None  # Streamlit's PagesManager class, where it is
    try:
        from streamlit.runtime.pages_manager import PagesManager as manager
    except ImportError:
        manager = None
    if manager is None or not hasattr(manager, "uses_pages_directory"):
        _say_once(
            "rnnlab.ui.streamlit_patch.no_legacy_pages_router is not applied: Streamlit has no "
            "PagesManager.uses_pages_directory any more. The first page opened after a server start may show "
            "a false 'Page not found' notice over the right page; everything else works.",
            logging.WARNING,
        )
        return False
    manager.uses_pages_directory = False
    return True

