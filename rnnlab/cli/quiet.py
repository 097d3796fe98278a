"""A quiet command line: TensorFlow's start-up lines never reach the terminal unless ``--verbose`` is given.

TensorFlow's C++ runtime writes its start-up notes (``oneDNN custom operations are on …``, ``Could not find
cuda drivers …``, absl's ``WARNING: All log messages before absl::InitializeLog() …``) straight to file
descriptor 2, past Python and past ``TF_CPP_MIN_LOG_LEVEL``. :func:`quiet_stderr` puts a filter between the
process and the terminal for the length of a command: those lines are dropped, every other line (the epoch
lines, errors, tracebacks) passes through unchanged and in order.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import threading
from collections.abc import Iterator

NOISE = re.compile(
    rb"^(WARNING: All log messages before absl::InitializeLog\(\)"
    rb"|[IWE]\d{4} [\d:.]+\s+\d+ [\w.]+:\d+\] "  # absl's C++ log lines (port.cc, cudart_stub.cc, cuda_platform.cc)
    rb"|To enable the following instructions: .* rebuild TensorFlow"  # the CPU-feature note's second line
    rb"|.*TF_ENABLE_ONEDNN_OPTS)"
)


def is_noise(line: bytes) -> bool:
    """Whether a line of stderr is one of TensorFlow's start-up notes.

    Example:
        >>> is_noise(b"I0000 00:00:1796612959.030834    1864 port.cc:153] oneDNN custom operations are on.")
        True
        >>> is_noise(b"epoch 1/20  loss 0.4123  (2.1 s elapsed)")
        False
    """
    return bool(NOISE.match(line))


@contextlib.contextmanager
def quiet_stderr() -> Iterator[None]:
    """File descriptor 2 goes through a filter that drops :func:`is_noise` lines until the block ends."""
    try:
        saved = os.dup(2)
        read_end, write_end = os.pipe()
    except OSError:  # no file descriptors to spare: print as TensorFlow does
        yield
        return
    sys.stderr.flush()
    os.dup2(write_end, 2)
    os.close(write_end)

    def pump() -> None:
        with os.fdopen(read_end, "rb") as lines:
            for line in lines:
                if not is_noise(line):
                    os.write(saved, line)

    thread = threading.Thread(target=pump, name="quiet-stderr", daemon=True)
    thread.start()
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)  # closes the pipe's last write end: the pump sees the end and drains
        thread.join(timeout=5)
        os.close(saved)
