"""Running trainings and lab calls away from the web server: job and event types, the job manager's queue
and per-session limits, and the runners behind one interface (the local pool of warm worker processes;
Ray). Imports :mod:`rnnlab.training`, :mod:`rnnlab.inside` and below.
"""
