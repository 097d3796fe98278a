"""The naive models every recurrent model must beat, shaped like scikit-learn estimators (``fit`` stores
state ending in ``_``, ``predict`` before ``fit`` raises), and ETS as a classical reference that stands
beside them (:mod:`rnnlab.baselines.classical`; statsmodels loaded only when it is fitted). Imports
:mod:`rnnlab.task` and below.
"""
