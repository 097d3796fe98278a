"""Training one model: the train config, the fit itself with its live events and Stop, and the devices
TensorFlow sees. TensorFlow is imported inside functions only. Imports :mod:`rnnlab.models` and below.
"""
