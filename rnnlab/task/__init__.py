"""Framing a dataset into a learning task: the task types (``TaskConfig``, ``PaddingConfig``,
``FramedData``), series windows, per-sequence collections, honest splits, padding and scaling fitted on
the training split. Imports :mod:`rnnlab.data` and :mod:`rnnlab.core`; never TensorFlow.
"""
