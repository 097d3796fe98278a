"""Recurrent models: the model config, parameter formulas checked against Keras, building the Keras model
and the custom objects needed to load it. Keras is imported inside the functions that build, never at
module level, so the server can read configs and formulas without TensorFlow.
"""
