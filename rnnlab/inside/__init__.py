"""Looking inside a trained RNN: a NumPy step-through that matches Keras, weights per gate, gradients
through time, the Inside page's data, the padding lab and the synthetic k-steps task. Imports
:mod:`rnnlab.training` and below; Keras only inside functions.
"""
