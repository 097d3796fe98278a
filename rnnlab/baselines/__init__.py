"""The naive models every recurrent model must beat, shaped like scikit-learn estimators (``fit`` stores
state ending in ``_``, ``predict`` before ``fit`` raises). Imports :mod:`rnnlab.task` and below.
"""
