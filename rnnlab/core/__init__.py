"""Shared foundations every stage may use: server settings read from the environment, the frozen-dataclass
``Config`` base with its strict validator, and small value helpers (JSON conversion, integer lists).
Imports no other part of rnnlab.
"""
