#!/usr/bin/env python3
"""Reference fixtures for the ECGSignal target (Tests/ECGSignalTests/Fixtures/).

Every expected value is computed here with numpy/scipy (independent of the Swift code):
  filters.json     scipy.signal.butter / iirnotch coefficients and filtfilt outputs (default odd padding)
  resample.json    scipy.signal.resample_poly outputs (default Kaiser window, beta 5.0)
  hrv.json         RR statistics with numpy (mean, SD ddof=1, SDNN, RMSSD, heart rate)
  mitdb208.json    first 60 s of /work/shared/data/ecg/mitdb208_excerpt (format 212, read with wfdb-python
                   and cross-checked against a decoder of the 212 bit layout here), plus the beats that
                   wfdb-python's XQRS and GQRS detectors find in it (comparison only: the excerpt has no
                   reference annotations)

Needs: numpy, scipy, wfdb (pip install wfdb).

Run from the repository root:  python3 Tools/ecg/signal_fixtures.py
"""
import json
import os

import numpy as np
from scipy import signal

OUT = "Tests/ECGSignalTests/Fixtures"
RECORD = "/work/shared/data/ecg/mitdb208_excerpt"


def r(a, digits=10):
    return [float(f"{v:.{digits}g}") for v in np.asarray(a, dtype=np.float64).ravel()]


def test_signal(fs, seconds, seed):
    """An ECG-like test input: spikes at ~1.1 Hz, baseline wander, 50 Hz hum, white noise (mV)."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(round(fs * seconds))) / fs
    x = 0.3 * np.sin(2 * np.pi * 0.2 * t) + 0.1 * np.sin(2 * np.pi * 50.0 * t)
    for c in np.arange(0.4, seconds, 0.9):
        x += 1.2 * np.exp(-0.5 * ((t - c) / 0.012) ** 2) - 0.2 * np.exp(-0.5 * ((t - c - 0.03) / 0.01) ** 2)
        x += 0.25 * np.exp(-0.5 * ((t - c - 0.28) / 0.05) ** 2)
    x += 0.02 * rng.standard_normal(t.size)
    return x.astype(np.float32)  # the Swift API takes Float samples


def filters():
    cases = []
    for fs, order, lo, hi, seconds in [(500.0, 2, 0.5, 40.0, 2.0), (360.0, 2, 0.5, 40.0, 2.0),
                                       (250.0, 3, 5.0, 15.0, 2.0), (1000.0, 1, 0.67, 100.0, 1.5)]:
        x = test_signal(fs, seconds, seed=int(fs) + order)
        b, a = signal.butter(order, [lo, hi], btype="bandpass", fs=fs)
        y = signal.filtfilt(b, a, x.astype(np.float64))
        cases.append(dict(kind="bandpass", fs=fs, order=order, low=lo, high=hi, b=r(b, 17), a=r(a, 17),
                          x=r(x, 9), y=r(y)))
    for fs, order, fc, btype in [(500.0, 2, 0.5, "highpass"), (500.0, 4, 40.0, "lowpass")]:
        x = test_signal(fs, 2.0, seed=7)
        b, a = signal.butter(order, fc, btype=btype, fs=fs)
        y = signal.filtfilt(b, a, x.astype(np.float64))
        cases.append(dict(kind=btype, fs=fs, order=order, cutoff=fc, b=r(b, 17), a=r(a, 17), x=r(x, 9), y=r(y)))
    for fs, f0, q in [(500.0, 50.0, 30.0), (500.0, 60.0, 30.0), (360.0, 60.0, 25.0)]:
        x = test_signal(fs, 2.0, seed=11)
        b, a = signal.iirnotch(f0, q, fs=fs)
        y = signal.filtfilt(b, a, x.astype(np.float64))
        cases.append(dict(kind="notch", fs=fs, f0=f0, q=q, b=r(b, 17), a=r(a, 17), x=r(x, 9), y=r(y)))
    return dict(generator="Tools/ecg/signal_fixtures.py", scipy=__import__("scipy").__version__, cases=cases)


def resample():
    cases = []
    for fs_in, fs_out, seconds in [(500, 250, 2.0), (360, 500, 2.0), (1000, 500, 1.0), (250, 500, 2.0),
                                   (500, 100, 2.0), (128, 500, 2.0)]:
        x = test_signal(float(fs_in), seconds, seed=fs_in)
        g = np.gcd(fs_in, fs_out)
        y = signal.resample_poly(x.astype(np.float64), fs_out // g, fs_in // g)
        cases.append(dict(fsIn=fs_in, fsOut=fs_out, up=int(fs_out // g), down=int(fs_in // g), x=r(x, 9), y=r(y)))
    return dict(generator="Tools/ecg/signal_fixtures.py", scipy=__import__("scipy").__version__, cases=cases)


def hrv():
    rng = np.random.default_rng(5)
    cases = []
    for mean, sd, n in [(800.0, 40.0, 60), (500.0, 15.0, 25), (1200.0, 120.0, 12)]:
        rr = np.array(r(mean + sd * rng.standard_normal(n)))  # ms, rounded as stored, so stats match the file
        d = np.diff(rr)
        cases.append(dict(rrMs=r(rr), meanMs=float(np.mean(rr)), sdMs=float(np.std(rr, ddof=1)),
                          rmssdMs=float(np.sqrt(np.mean(d ** 2))), heartRateBpm=float(60000.0 / np.mean(rr))))
    return dict(generator="Tools/ecg/signal_fixtures.py", numpy=np.__version__,
                note="SD and SDNN use ddof=1 (sample standard deviation); RMSSD = sqrt(mean(diff(RR)^2))",
                cases=cases)


def decode_212(path, n):
    raw = np.fromfile(path, dtype=np.uint8)
    trip = raw[: (n // 2) * 3].reshape(-1, 3).astype(np.int32)
    s0 = trip[:, 0] | ((trip[:, 1] & 0x0F) << 8)
    s1 = trip[:, 2] | ((trip[:, 1] & 0xF0) << 4)
    out = np.empty(2 * len(trip), dtype=np.int32)
    out[0::2], out[1::2] = s0, s1
    return np.where(out > 2047, out - 4096, out)[:n]


def mitdb():
    fs, seconds = 360, 60
    n = fs * seconds
    header = open(RECORD + ".hea").read().split("\n")
    gain, baseline = 200.0, 1024  # from the header line "212 200.0(1024)/mV"
    assert "200.0(1024)/mV" in header[1]
    adc = decode_212(RECORD + ".dat", n)
    # wfdb-python is required: it reads the record and provides two independent detectors (XQRS, GQRS)
    # whose beats are stored as comparison points -- they are other detectors' output, not annotations.
    import wfdb
    from wfdb import processing
    rec = wfdb.rdrecord(RECORD, sampto=n, physical=False)
    d = rec.d_signal[:, 0].astype(np.int32)
    assert np.array_equal(d, adc), "format 212 decoding disagrees with wfdb"
    source = f"wfdb-python {wfdb.__version__} rdrecord (digital), identical to the script's 212 decoder"
    mv = (adc - baseline) / gain
    xqrs = processing.xqrs_detect(sig=mv, fs=fs, verbose=False)
    gqrs = processing.gqrs_detect(sig=mv, fs=fs)
    return dict(record="mitdb208_excerpt", lead="MLII", fs=fs, gainPerMv=gain, baseline=baseline,
                source=source, note="no reference annotations; plausibility checks and agreement with the "
                "XQRS and GQRS detectors of wfdb-python only", adc=[int(v) for v in adc],
                xqrs=[int(v) for v in xqrs], gqrs=[int(v) for v in gqrs])


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, fn in [("filters", filters), ("resample", resample), ("hrv", hrv), ("mitdb208", mitdb)]:
        with open(os.path.join(OUT, name + ".json"), "w") as f:
            json.dump(fn(), f, separators=(",", ":"))
        print(name, os.path.getsize(os.path.join(OUT, name + ".json")), "bytes")


if __name__ == "__main__":
    main()
