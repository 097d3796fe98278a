"""Judging: the metric registry (name, label, direction, format, main metric per task), the baseline
scoreboard and its classical reference row, the verdict against the best baseline, prediction intervals
and calibration, the training reference line, findings and failure detectors. Imports
:mod:`rnnlab.baselines` and below; a trained model is passed in, never built here.
"""
