"""Plotly figure builders for every page, pure functions from data to ``go.Figure``. Imports
:mod:`rnnlab.runs` and below; never Streamlit.
"""
