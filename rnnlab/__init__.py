"""rnnlab: learn and explore recurrent neural networks on sequence data.

The package is UI-free: everything the Streamlit pages show is computed here,
and nothing here imports Streamlit except ``rnnlab.ui`` (session state, caches,
actions and widgets for the pages). TensorFlow is imported only by the modules that build,
train or inspect models, never on import of the package itself.
"""

__version__ = "0.1.0"
