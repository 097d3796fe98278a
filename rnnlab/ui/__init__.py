"""The only code that imports Streamlit: typed session accessors, shared caches, actions, resources and
small widgets used by the pages. Sits on top with :mod:`rnnlab.cli`; nothing below imports it.
"""
