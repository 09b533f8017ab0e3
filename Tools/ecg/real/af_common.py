"""Shared pieces of the ecg-af tools: reading the real databases (wfdb-python), the model's preprocessing
(the Python side of Sources/ECGDetectors/AFModelInput.swift), the folds, and metrics with 95 % CIs.

Preprocessing of one lead (mV at fs Hz, the whole record): resample_poly to 100 Hz → Butterworth band-pass
0.5–40 Hz, order 2, zero-phase (filtfilt) → 10 s windows (1000 samples), hop 5 s for scoring, the last window
aligned with the end of the record → each window (x − mean) / max(sd, 0.001).
"""
import csv
import math
import os
from fractions import Fraction

import numpy as np
from scipy import signal

FS = 100
WIN = 1000
HOP = 500
BAND = (0.5, 40.0)
ORDER = 2

# MIT-BIH Arrhythmia records that are paced (outside the intended use) and the one pair that shares a patient.
MITDB_PACED = {"102", "104", "107", "217"}
MITDB_SAME_PATIENT = [("201", "202")]


def filter_lead(x, fs_in):
    x = np.asarray(x, dtype=np.float64)
    fs_in = int(round(fs_in))
    if fs_in != FS:
        r = Fraction(FS, fs_in)
        x = signal.resample_poly(x, r.numerator, r.denominator)
    b, a = signal.butter(ORDER, list(BAND), btype="bandpass", fs=FS)
    return signal.filtfilt(b, a, x)


def window_starts(n, win=WIN, hop=HOP):
    """Starts of the scoring windows over n samples: every hop, plus one ending at the last sample."""
    if n < win:
        return []
    s = list(range(0, n - win + 1, hop))
    if s[-1] != n - win:
        s.append(n - win)
    return s


def standardize(w):
    w = np.asarray(w, dtype=np.float64)
    m = w.mean(axis=-1, keepdims=True)
    sd = w.std(axis=-1, keepdims=True)
    return ((w - m) / np.maximum(sd, 0.001)).astype(np.float32)


def windows(filtered, hop=HOP):
    st = window_starts(len(filtered), hop=hop)
    if not st:
        return np.zeros((0, WIN), np.float32), []
    return standardize(np.stack([filtered[s:s + WIN] for s in st])), st


def read_cinc2017(root):
    import wfdb
    labels = {}
    with open(os.path.join(root, "REFERENCE.csv")) as f:
        for row in csv.reader(f):
            labels[row[0]] = row[1]
    out = []
    for rec in sorted(labels):
        fs, sig = _read_cinc2017_record(os.path.join(root, rec))
        out.append({"record": rec, "fs": fs, "leads": [sig], "lead_names": ["I"], "label": labels[rec]})
    return out


def _read_cinc2017_record(base):
    """CinC 2017's headers write the base date before the time ('2014-05-08 05:05:15'), which wfdb-python
    4.x refuses; the signal is a MATLAB v4 file (the header's format 16 at byte offset 24). Reads gain,
    baseline and rate from the header and the samples with scipy.io.loadmat."""
    from scipy.io import loadmat
    with open(base + ".hea") as f:
        lines = [l.split() for l in f if l.strip() and not l.startswith("#")]
    fs = float(lines[0][2])
    gain_field = lines[1][2]
    gain = float(gain_field.split("/")[0].split("(")[0])
    baseline = int(lines[1][4]) if len(lines[1]) > 4 else 0
    val = loadmat(base + ".mat")["val"].astype(np.float64)[0]
    return fs, (val - baseline) / gain


def read_mitdb(root, include_paced=False):
    """Both leads of each record and a per-sample AF mask (rhythm annotations '(AFIB')."""
    import wfdb
    recs = sorted({f[:-4] for f in os.listdir(root) if f.endswith(".hea")})
    out = []
    for rec in recs:
        if rec in MITDB_PACED and not include_paced:
            continue
        r = wfdb.rdrecord(os.path.join(root, rec))
        ann = wfdb.rdann(os.path.join(root, rec), "atr")
        n = r.p_signal.shape[0]
        af = np.zeros(n, bool)
        cur, start = None, 0
        for s, note in zip(ann.sample, ann.aux_note):
            note = (note or "").strip("\x00 ")
            if note.startswith("("):
                if cur == "(AFIB":
                    af[start:s] = True
                cur, start = note, s
        if cur == "(AFIB":
            af[start:] = True
        out.append({"record": rec, "fs": r.fs, "leads": [r.p_signal[:, i] for i in range(r.p_signal.shape[1])],
                    "lead_names": list(r.sig_name), "af_mask": af})
    return out


def read_cinc2021(root):
    import wfdb
    recs = sorted({f[:-4] for f in os.listdir(root) if f.endswith(".hea")})
    out = []
    for rec in recs:
        r = wfdb.rdrecord(os.path.join(root, rec))
        out.append({"record": rec, "fs": r.fs, "leads": [r.p_signal[:, i] for i in range(r.p_signal.shape[1])],
                    "lead_names": list(r.sig_name)})
    return out


def mitdb_groups(recs):
    g = {r: r for r in recs}
    for a, b in MITDB_SAME_PATIENT:
        if a in g and b in g:
            g[b] = a
    return g


def stratified_folds(keys, strata, k=5, seed=2017):
    """Assigns each key a fold 0..k-1, stratified; keys of one stratum are dealt round-robin after a shuffle."""
    rng = np.random.default_rng(seed)
    fold = {}
    for s in sorted(set(strata.values())):
        ks = sorted(x for x in keys if strata[x] == s)
        rng.shuffle(ks)
        off = int(rng.integers(k))
        for i, x in enumerate(ks):
            fold[x] = (i + off) % k
    return fold


def wilson(k, n, z=1.96):
    if n == 0:
        return (float("nan"), float("nan"))
    p = k / n
    d = 1 + z * z / n
    c = p + z * z / (2 * n)
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return ((c - h) / d, (c + h) / d)


def binary_metrics(y, p, thr, boot=1000, seed=1):
    """Se, Sp, PPV, F1 with Wilson CIs (Se, Sp, PPV) and a bootstrap CI for F1."""
    y = np.asarray(y).astype(bool)
    yhat = np.asarray(p) >= thr
    tp = int(np.sum(y & yhat)); fn = int(np.sum(y & ~yhat)); fp = int(np.sum(~y & yhat)); tn = int(np.sum(~y & ~yhat))

    def f1(tp, fp, fn):
        return 2 * tp / (2 * tp + fp + fn) if (2 * tp + fp + fn) else float("nan")
    rng = np.random.default_rng(seed)
    fs = []
    n = len(y)
    for _ in range(boot):
        i = rng.integers(0, n, n)
        yy, hh = y[i], yhat[i]
        fs.append(f1(int(np.sum(yy & hh)), int(np.sum(~yy & hh)), int(np.sum(yy & ~hh))))
    fs = np.array([v for v in fs if not math.isnan(v)])
    r = lambda v: round(float(v), 4)
    return {
        "n": n, "positives": int(y.sum()), "tp": tp, "fp": fp, "fn": fn, "tn": tn,
        "f1": r(f1(tp, fp, fn)), "f1_ci95_bootstrap": [r(np.percentile(fs, 2.5)), r(np.percentile(fs, 97.5))] if len(fs) else None,
        "sensitivity": r(tp / (tp + fn)) if tp + fn else None, "sensitivity_ci95_wilson": [r(v) for v in wilson(tp, tp + fn)],
        "specificity": r(tn / (tn + fp)) if tn + fp else None, "specificity_ci95_wilson": [r(v) for v in wilson(tn, tn + fp)],
        "ppv": r(tp / (tp + fp)) if tp + fp else None,
    }


def auroc(y, p):
    y = np.asarray(y).astype(bool); p = np.asarray(p, float)
    pos, neg = p[y], p[~y]
    if len(pos) == 0 or len(neg) == 0:
        return None
    order = np.argsort(np.concatenate([pos, neg]), kind="mergesort")
    ranks = np.empty(len(order)); ranks[order] = np.arange(1, len(order) + 1)
    allp = np.concatenate([pos, neg])
    # average ranks for ties
    for v in np.unique(allp):
        m = allp == v
        if m.sum() > 1:
            ranks[m] = ranks[m].mean()
    return float((ranks[:len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def ece(y, p, bins=10):
    y = np.asarray(y, float); p = np.asarray(p, float)
    e = 0.0
    for i in range(bins):
        lo, hi = i / bins, (i + 1) / bins
        m = (p >= lo) & ((p < hi) if i < bins - 1 else (p <= hi))
        if m.any():
            e += m.mean() * abs(p[m].mean() - y[m].mean())
    return float(e)


SPAN_SECONDS = 30.0


def record_probability(window_probs, hop=HOP, fs=FS, span_seconds=SPAN_SECONDS):
    """Record probability from window probabilities (windows every `hop` samples): the largest mean over
    runs of consecutive windows covering `span_seconds` (all windows when the record is shorter). A 10–30 s
    record gets the mean of its windows; a long record is positive when some 30 s of it is AF."""
    p = np.asarray(window_probs, float)
    if len(p) == 0:
        return float("nan")
    k = max(1, int(round((span_seconds * fs - WIN) / hop)) + 1)
    if len(p) <= k:
        return float(p.mean())
    c = np.concatenate([[0.0], np.cumsum(p)])
    return float(np.max((c[k:] - c[:-k]) / k))
