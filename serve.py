"""Serve rnnlab with its security headers: ``streamlit run serve.py`` (what ``make run`` does).

Streamlit finds ``app`` below (an ``st.App``) and serves ``app.py`` through it, with the middleware of
:mod:`rnnlab.ui.security_headers`: ``X-Frame-Options``, CSP ``frame-ancestors``, ``X-Content-Type-Options``
and ``Referrer-Policy`` on every response, and no ``/_stcore/metrics``. Every ``--server.*`` flag of
``streamlit run`` works as before. ``streamlit run app.py`` serves the same app without them.
"""

import streamlit as st

from rnnlab.ui import security_headers, streamlit_patch

streamlit_patch.no_legacy_pages_router()  # no false "Page not found" on the first request after a start
app = st.App("app.py", middleware=security_headers.middleware())
