"""The only code that imports Streamlit; sits on top with :mod:`rnnlab.cli`, nothing below imports it.

``session`` names every session-state key and reads and writes each through a typed accessor;
``caches`` holds the caches shared by all sessions, keyed by every input; ``current`` is the session's
dataset, task and framed data through those caches; ``actions`` is what a click does (choose data,
apply a link, open a lesson or a run, switch workspace, submit jobs); ``resources`` the server's run
store and job manager; ``widgets`` the small widgets and the one job progress panel;
``workspace_state`` what belongs to the workspace rather than the tab (saved setup, kept uploads, its
trainings, presentation mode kept in the URL); ``backtest_view`` the Results page's backtest;
``security_headers`` the response headers ``serve.py`` adds; and
``streamlit_patch`` the one change to Streamlit's internals, applied where they are still as it was written
for (else left out, and the log says once what that costs).
"""
