"""rnnlab benchmarks: ``make bench`` (``python -m bench``) runs them all, each side by side in one run."""
