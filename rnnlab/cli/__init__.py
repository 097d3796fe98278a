"""``python -m rnnlab``: one module per command group, each mirroring a page headless with ``--json``
output. Sits on top with :mod:`rnnlab.ui`; nothing below imports it.
"""
