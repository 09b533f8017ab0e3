#!/usr/bin/env python3
"""Plot synthetic 12-lead records (from `vigil synth ecg`) on ECG paper, to look at them.

Usage: synth_plot.py RECORD_DIR NAME [NAME ...] --out DIR

Each record is drawn as the 12 leads (10 s each, one row per lead, 25 mm/s, 10 mm/mV) with its labels
from labels.csv in the title and the beat annotations (.atr) marked on lead II. Needs wfdb, matplotlib.
"""
import argparse
import csv
import os

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import wfdb  # noqa: E402


def plot(folder, name, labels, out):
    rec = wfdb.rdrecord(os.path.join(folder, name))
    sig, fs, names = rec.p_signal, rec.fs, rec.sig_name
    try:
        ann = wfdb.rdann(os.path.join(folder, name), "atr")
        beats = [(s, sym) for s, sym in zip(ann.sample, ann.symbol) if sym != "+"]
    except FileNotFoundError:
        beats = []
    n = sig.shape[0]
    t = np.arange(n) / fs
    rows = len(names)
    fig, ax = plt.subplots(figsize=(t[-1] * 2.5 / 2.54 * 0.8, rows * 2.2 / 2.54 * 0.8 * 1.2))
    for k, lead in enumerate(names):
        y = sig[:, k] - np.median(sig[:, k])
        base = -k * 2.6
        ax.plot(t, y + base, color="k", lw=0.6)
        ax.text(-0.35, base, lead, fontsize=9, va="center")
        if lead == "II":
            for s, sym in beats:
                ax.text(s / fs, base + 1.3, sym, fontsize=7, color="b", ha="center")
    ymin, ymax = -rows * 2.6 + 1.3, 2.0
    for x in np.arange(0, t[-1] + 1e-9, 0.04):
        ax.axvline(x, color="#f4c0c0" if round(x / 0.04) % 5 else "#e08080", lw=0.3 if round(x / 0.04) % 5 else 0.6, zorder=0)
    for yv in np.arange(np.floor(ymin), ymax + 1e-9, 0.1):
        major = abs(yv * 2 - round(yv * 2)) < 1e-6
        ax.axhline(yv, color="#e08080" if major else "#f4c0c0", lw=0.6 if major else 0.3, zorder=0)
    ax.set_xlim(-0.4, t[-1])
    ax.set_ylim(ymin, ymax)
    ax.set_aspect(0.4)  # 1 mV (10 mm) tall per 0.4 s (10 mm) wide
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(f"{name}: {labels.get(name, '?')}", fontsize=10)
    fig.tight_layout()
    path = os.path.join(out, f"{name}.png")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def main():
    p = argparse.ArgumentParser()
    p.add_argument("folder")
    p.add_argument("names", nargs="+")
    p.add_argument("--out", default="/tmp")
    a = p.parse_args()
    labels = {}
    lp = os.path.join(a.folder, "labels.csv")
    if os.path.exists(lp):
        with open(lp) as f:
            for row in csv.DictReader(f):
                labels[row["record"]] = f"{row['labels']}  HR {row['heart_rate_bpm']}  PR {row['pr_ms']}  QRS {row['qrs_ms']}  QTc {row['qtc_ms']}  SNR {row['snr_db']} dB"
    os.makedirs(a.out, exist_ok=True)
    for name in a.names:
        print(plot(a.folder, name, labels, a.out))


if __name__ == "__main__":
    main()
