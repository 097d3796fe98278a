"""Write ``sample_data/mitbih_beats.csv``: real beat-labelled heartbeats from the MIT-BIH Arrhythmia Database.

    python scripts/make_mitbih_beats.py DIR [--per-class 450] [--out PATH] [--seed 20180501]

``DIR`` holds MIT-BIH records as PhysioNet distributes them (``NNN.hea``, ``NNN.dat`` in format 212,
``NNN.atr`` reference annotations), for example the 48 records of ``mitdb/1.0.0``. The script reads
them with the small readers below (NumPy only; no ``wfdb``, no SciPy) and cuts one row per annotated
beat in the form of the course's MIT-BIH heartbeat CSV (Kachuee, Fazeli & Sarrafzadeh 2018, the
Kaggle "ECG Heartbeat Categorization" file), kept simple:

1. Lead MLII only (records without an MLII lead, 102 and 104, are skipped).
2. Resampled from 360 Hz to 125 Hz: a 101-tap Hamming-windowed sinc low-pass at 45 Hz, then linear
   interpolation at the 125 Hz instants. No other filtering (no baseline-wander removal).
3. The heart period T of a beat is the median RR interval of the annotated beats within ±5 s of it
   (Kachuee et al. take the median over a 10 s window).
4. A beat starts at its annotated R peak and lasts round(1.2·T) samples, at most 187 (1.5 s); a beat
   whose cut would run past the end of the record is skipped.
5. Each beat is min-max normalised to [0, 1] on its own, rounded to 3 decimals, and post-padded with
   -1 to 187 steps (the Kaggle file pads with 0; -1 keeps a real 0 apart from padding, so the lesson can
   show padding and masking).
6. Annotation symbols map to the five AAMI classes, written as the Kaggle file's numbers:
   0 = N (N, L, R, e, j), 1 = S (A, a, J, S), 2 = V (V, E), 3 = F (F), 4 = Q (/, f, Q).
   Other annotations (rhythm changes, noise, '|', '~', '+', ...) are not beats and are ignored.
7. A class-stratified bundle: for each class, ``--per-class`` beats drawn at random (fixed seed) from
   all records; rows are written grouped by class, in record and time order inside a class.

Output: no header, 187 values then the label, one beat a row (the Kaggle layout), so
``pandas.read_csv(path, header=None)`` gives X = columns 0-186 and y = column 187. The same records,
seed and options always write the same bytes.

Data: MIT-BIH Arrhythmia Database (Moody & Mark 2001), PhysioNet (Goldberger et al. 2000), Open Data
Commons Attribution License v1.0.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent.parent / "sample_data" / "mitbih_beats.csv"
SEED = 20180501
FS_IN, FS_OUT = 360, 125
N_STEPS = 187
PAD = -1
LEAD = "MLII"
PER_CLASS = 450

# MIT annotation codes (ecgcodes.h) of the beat types kept, and their AAMI class (Kaggle numbering).
BEAT_CODES = {
    1: "N", 2: "L", 3: "R", 34: "e", 11: "j",  # N
    8: "A", 4: "a", 7: "J", 9: "S",  # S
    5: "V", 10: "E",  # V
    6: "F",  # F
    12: "/", 38: "f", 13: "Q",  # Q
}  # fmt: skip
AAMI = {"N": "NLRej", "S": "AaJS", "V": "VE", "F": "F", "Q": "/fQ"}
CLASS_NUMBER = {name: i for i, name in enumerate(AAMI)}  # N 0, S 1, V 2, F 3, Q 4
SYMBOL_CLASS = {s: name for name, symbols in AAMI.items() for s in symbols}
SKIP, NUM, SUB, CHN, AUX = 59, 60, 61, 62, 63


def read_header(path: Path) -> dict:
    """The record line and signal lines of a WFDB header (``.hea``): file, format and description per signal."""
    lines = [
        ln.strip() for ln in path.read_text(encoding="latin-1").splitlines() if ln.strip() and ln[0] != "#"
    ]
    name, n_signals, fs, n_samples = lines[0].split()[:4]
    signals = []
    for line in lines[1 : 1 + int(n_signals)]:
        parts = line.split()
        signals.append({"file": parts[0], "format": parts[1], "description": " ".join(parts[8:])})
    return {"name": name, "fs": float(fs), "n_samples": int(n_samples), "signals": signals}


def read_212(path: Path, n_signals: int) -> np.ndarray:
    """Digital samples ``(n_samples, n_signals)`` of a format-212 signal file (two 12-bit samples in 3 bytes)."""
    raw = np.fromfile(path, dtype=np.uint8)
    raw = raw[: len(raw) - len(raw) % 3].reshape(-1, 3).astype(np.int16)
    first = raw[:, 0] | ((raw[:, 1] & 0x0F) << 8)
    second = raw[:, 2] | ((raw[:, 1] & 0xF0) << 4)
    samples = np.stack([first, second], axis=1).reshape(-1)
    samples[samples > 2047] -= 4096  # 12-bit two's complement
    n = len(samples) // n_signals
    return samples[: n * n_signals].reshape(n, n_signals)


def read_annotations(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Sample numbers and type codes of the annotations in an MIT-format annotation file (``.atr``)."""
    words = np.fromfile(path, dtype="<u2")
    samples, codes = [], []
    t, i = 0, 0
    while i < len(words):
        code, value = int(words[i]) >> 10, int(words[i]) & 0x3FF
        i += 1
        if code == 0 and value == 0:  # end of file
            break
        if code == SKIP:  # a 32-bit interval follows, high word first
            t += (int(words[i]) << 16) | int(words[i + 1])
            if t >= 2**31:
                t -= 2**32
            i += 2
        elif code == AUX:  # value bytes of text follow, padded to a whole word
            i += (value + 1) // 2
        elif code in (NUM, SUB, CHN):  # fields of the previous annotation
            pass
        else:
            t += value
            samples.append(t)
            codes.append(code)
    return np.array(samples, dtype=np.int64), np.array(codes, dtype=np.int64)


def lowpass_resample(x: np.ndarray, fs_in: float = FS_IN, fs_out: float = FS_OUT) -> np.ndarray:
    """``x`` at ``fs_out``: windowed-sinc low-pass at 0.36·fs_out (45 Hz for 125 Hz), then linear interpolation."""
    cutoff = 0.36 * fs_out / fs_in  # cycles per input sample
    n = np.arange(101) - 50
    taps = 2 * cutoff * np.sinc(2 * cutoff * n) * np.hamming(101)
    smooth = np.convolve(x, taps / taps.sum(), mode="same")
    t_out = np.arange(int(len(x) * fs_out / fs_in)) * (fs_in / fs_out)
    return np.interp(t_out, np.arange(len(x)), smooth)


def record_beats(directory: Path, record: str) -> list[tuple[str, int, str, np.ndarray]]:
    """Every kept beat of one record: (record, sample at 360 Hz, AAMI class, beat at 125 Hz in [0, 1])."""
    header = read_header(directory / f"{record}.hea")
    leads = [s["description"] for s in header["signals"]]
    if LEAD not in leads:
        return []
    if {s["format"] for s in header["signals"]} != {"212"} or header["fs"] != FS_IN:
        raise SystemExit(f"{record}: only format 212 at {FS_IN} Hz is read here. Received: {header}")
    signal = read_212(directory / header["signals"][0]["file"], len(leads))[:, leads.index(LEAD)]
    x = lowpass_resample(signal.astype(np.float64))
    samples, codes = read_annotations(directory / f"{record}.atr")
    is_beat = np.isin(codes, list(BEAT_CODES))
    samples, codes = samples[is_beat], codes[is_beat]
    peaks = np.rint(samples * FS_OUT / FS_IN).astype(np.int64)
    rr = np.diff(peaks)
    out = []
    for sample, code, r in zip(samples, codes, peaks, strict=True):
        near = (peaks[1:] >= r - 5 * FS_OUT) & (peaks[:-1] <= r + 5 * FS_OUT)
        if not near.any():
            continue
        length = min(N_STEPS, int(round(1.2 * float(np.median(rr[near])))))
        if r < 0 or r + length > len(x) or length < 2:
            continue
        beat = x[r : r + length]
        low, high = beat.min(), beat.max()
        if high <= low:
            continue
        out.append((record, int(sample), SYMBOL_CLASS[BEAT_CODES[int(code)]], (beat - low) / (high - low)))
    return out


def records_in(directory: Path) -> list[str]:
    """The records of ``directory``: its ``RECORDS`` list, else every ``NNN.hea`` with ``.dat`` and ``.atr``."""
    listing = directory / "RECORDS"
    if listing.exists():
        return [r for r in listing.read_text().split() if (directory / f"{r}.atr").exists()]
    return sorted(
        p.stem for p in directory.glob("*.hea") if (directory / f"{p.stem}.atr").exists()
        and (directory / f"{p.stem}.dat").exists()
    )  # fmt: skip


def row_text(beat: np.ndarray, label: int) -> str:
    """One CSV line: 187 values (3 decimals, trailing zeros dropped, ``-1`` after the beat) then the label."""
    cells = [f"{v:.3f}".rstrip("0").rstrip(".") for v in np.round(beat, 3)]
    cells = ["0" if c in ("-0", "") else c for c in cells]
    return ",".join(cells + [str(PAD)] * (N_STEPS - len(beat)) + [str(label)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "directory", type=Path, help="folder with MIT-BIH records (NNN.hea, NNN.dat, NNN.atr)"
    )
    parser.add_argument(
        "--per-class", type=int, default=PER_CLASS, help=f"beats per class (default {PER_CLASS})"
    )
    parser.add_argument("--seed", type=int, default=SEED, help=f"random draw of the beats (default {SEED})")
    parser.add_argument("--out", type=Path, default=OUT, help=f"output CSV (default {OUT})")
    args = parser.parse_args(argv)
    records = records_in(args.directory)
    if not records:
        raise SystemExit(f"No MIT-BIH record (NNN.hea + NNN.dat + NNN.atr) in {args.directory}")
    beats, used = [], []
    for record in records:
        found = record_beats(args.directory, record)
        if found:
            used.append(record)
        beats.extend(found)
    available = Counter(b[2] for b in beats)
    rng = np.random.default_rng(args.seed)
    lines, kept = [], Counter()
    for name in AAMI:
        members = [i for i, b in enumerate(beats) if b[2] == name]
        chosen = sorted(rng.permutation(members)[: args.per_class].tolist())
        kept[name] = len(chosen)
        lines += [row_text(beats[i][3], CLASS_NUMBER[name]) for i in chosen]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"records used ({len(used)}): {' '.join(used)}", file=sys.stderr)
    print(f"beats found: {dict(available)}", file=sys.stderr)
    print(f"beats written: {dict(kept)} -> {args.out} ({args.out.stat().st_size:,} bytes)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
