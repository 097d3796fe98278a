"""Reading sequence data: CSV sniffing and parsing, layout detection (long, wide, series), time stamps,
gaps, the :class:`~rnnlab.data.dataset.SequenceDataset` type, the bundled catalog and the Data page's
summary. The bottom stage: imports only :mod:`rnnlab.core`, never TensorFlow.
"""
