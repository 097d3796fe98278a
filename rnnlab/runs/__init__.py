"""What is kept: the SQLite run store (schema, values, recorder), uploads, export and import, comparing
runs, share links and lesson presets. Imports :mod:`rnnlab.jobs` and below.
"""
