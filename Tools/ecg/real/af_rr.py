"""RR-interval features of ecg-af 0.2.0: the Python side of Sources/ECGDetectors/AFRhythmFeatures.swift.

Beats: Vigil's QRS detector (Sources/ECGSignal/QRSDetector.swift, Pan–Tompkins style: 5–15 Hz Butterworth
band-pass order 2 zero-phase, squared central derivative, per-beat scaling, 150 ms centred moving-window
integration, adaptive thresholds, 200 ms refractory period, T-wave rule within 360 ms, search-back after
1.66 mean RR), re-written here for one lead so that training sees the beats the Swift detector will see;
it runs on the model's own input: the 0.5–40 Hz band-passed lead at 100 Hz (float32), over the whole lead.
The Swift tests compare beats and features on a committed fixture (make_af_fixtures.py).

Features of one window (beats with start <= b < start + 1000, RR in s, med = median RR):
  0 valid             1 when the window has at least 3 RR intervals (else every feature is 0)
  1 log rate          ln((60 / med) / 75)
  2 median |dRR|/med  median of the absolute successive differences over med (robust to isolated
                      premature beats: one PAC/PVC disturbs 2 differences of ~10)
  3 frac |dRR| > 10%  fraction of successive differences above 0.1 med
  4 frac |RR-med|>10% fraction of intervals more than 10 % away from the median
  5 nRMSSD            RMSSD / mean RR (Dash et al. 2009)
  6 IQR / med         interquartile range of RR (numpy's linear percentiles) over med
  7 count             number of RR intervals / 20
Each feature is clipped to [-3, 3]. Dash et al., Ann. Biomed. Eng. 2009 (RMSSD, turning points, entropy);
the ectopy-robust median statistics are this project's choice, justified by the CinC 2021 false AF records
(premature atrial beats in sinus rhythm).
"""
import numpy as np
from scipy import signal

FS = 100
N_FEATURES = 8


def _bandpass(x, lo, hi, fs):
    b, a = signal.butter(2, [lo, hi], btype="bandpass", fs=fs)
    return signal.filtfilt(b, a, np.asarray(x, np.float64))


def _window_maxima(x, width):
    out = []
    start = 0
    n = len(x)
    while start < n:
        end = min(n, start + width)
        if end - start >= width // 2 or not out:
            out.append(float(np.max(x[start:end])))
        start = end
    return np.array(out)


def _median(x):
    return float(np.median(x)) if len(x) else 0.0


def detect_beats(lead, fs=FS):
    """Fiducial indices of one lead (samples at fs), as QRSDetector.detect(leads: [lead]) in Swift."""
    x = np.asarray(lead, np.float32).astype(np.float64)
    n = len(x)
    if n < int(fs):
        return np.zeros(0, int)
    y = _bandpass(x, 5.0, 15.0, fs)
    e = np.zeros(n)
    d = (y[2:] - y[:-2]) * fs / 2
    e[1:n - 1] = d * d
    a = np.abs(y)
    win = int(fs)
    e_scale = _median(_window_maxima(e, win))
    a_scale = _median(_window_maxima(a, win))
    background = _median(e)
    w = 0.0
    if e_scale > 0 and a_scale > 0:
        peak = e_scale / background if background > 0 else 1e6
        w = max(0.0, np.log10(peak / 30))
    if w <= 0:
        return np.zeros(0, int)
    ce = e / e_scale
    ca = a / a_scale
    width = max(1, int(round(0.150 * fs)))
    prefix = np.concatenate([[0.0], np.cumsum(ce)])
    i = np.arange(n)
    lo = np.maximum(0, i - width // 2)
    hi = np.minimum(n, lo + width)
    mwi = (prefix[hi] - prefix[lo]) / width
    return _threshold_peaks(mwi, ce, ca, fs)


def _threshold_peaks(mwi, ce, ca, fs):
    n = len(mwi)
    refractory = int(round(0.200 * fs))
    t_window = int(round(0.360 * fs))
    half = int(round(0.075 * fs))
    if n < 3:
        return np.zeros(0, int)
    m = mwi
    cand = np.nonzero((m[1:-1] > m[:-2]) & (m[1:-1] >= m[2:]))[0] + 1
    if len(cand) == 0:
        return np.zeros(0, int)
    learn_end = min(n, max(int(2.0 * fs), 1))
    spki = float(np.max(m[:learn_end])) / 3
    npki = float(np.sum(m[:learn_end])) / learn_end / 2
    beats, beat_slope, rr, noise = [], [], [], []
    st = {"spki": spki, "npki": npki}

    def thr1():
        return st["npki"] + 0.25 * (st["spki"] - st["npki"])

    def slope(i):
        return float(np.max(ce[max(0, i - half):min(n - 1, i + half) + 1]))

    def is_t(i):
        if not beats or i - beats[-1] >= t_window:
            return False
        return slope(i) < 0.25 * beat_slope[-1]

    def accept(i, sb):
        if beats:
            rr.append(i - beats[-1])
        beats.append(i)
        beat_slope.append(slope(i))
        st["spki"] = 0.25 * m[i] + 0.75 * st["spki"] if sb else 0.125 * m[i] + 0.875 * st["spki"]
        noise.clear()

    def avg_rr():
        if not rr:
            return None
        r = rr[-8:]
        return sum(r) / len(r)

    def search_back(limit):
        if not beats:
            return False
        avg = avg_rr()
        last = beats[-1]
        if avg is None or not (limit - last > 1.66 * avg):
            return False
        t2 = 0.5 * thr1()
        pool = [j for j in noise if j - last >= refractory and limit - j >= refractory and m[j] > t2 and not is_t(j)]
        if not pool:
            return False
        best = pool[0]
        for j in pool[1:]:
            if m[j] > m[best]:
                best = j
        accept(best, True)
        return True

    for i in cand:
        i = int(i)
        while search_back(i):
            pass
        if beats and i - beats[-1] < refractory:
            continue
        if m[i] > thr1() and not is_t(i):
            accept(i, False)
        else:
            st["npki"] = 0.125 * m[i] + 0.875 * st["npki"]
            noise.append(i)
    while search_back(n - 1 + refractory):
        pass
    fid = []
    for b in beats:
        lo, hi = max(0, b - half), min(n - 1, b + half)
        best = lo
        for j in range(lo, hi + 1):
            if ca[j] > ca[best]:
                best = j
        if fid and best - fid[-1] < refractory:
            if ca[best] > ca[fid[-1]]:
                fid[-1] = best
            continue
        fid.append(best)
    return np.array(fid, int)


def _percentile(s, q):
    """numpy's default (linear) percentile of sorted s."""
    pos = (len(s) - 1) * q
    lo = int(np.floor(pos))
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def window_features(beats, start, length=1000, fs=FS):
    """The 8 features of the window [start, start + length) from the lead's beats (sorted sample indices)."""
    b = np.asarray(beats)
    lo, hi = np.searchsorted(b, start, "left"), np.searchsorted(b, start + length, "left")
    wb = b[lo:hi]
    f = np.zeros(N_FEATURES, np.float64)
    if len(wb) < 4:
        return f.astype(np.float32)
    rr = np.diff(wb).astype(np.float64) / fs
    s = np.sort(rr)
    med = float(_percentile(s, 0.5))
    d = np.abs(np.diff(rr))
    f[0] = 1
    f[1] = np.log((60 / med) / 75)
    f[2] = float(_percentile(np.sort(d), 0.5)) / med
    f[3] = float(np.mean(d > 0.1 * med))
    f[4] = float(np.mean(np.abs(rr - med) > 0.1 * med))
    f[5] = float(np.sqrt(np.mean(d * d))) / float(np.mean(rr))
    f[6] = float(_percentile(s, 0.75) - _percentile(s, 0.25)) / med
    f[7] = len(rr) / 20
    return np.clip(f, -3, 3).astype(np.float32)


def features_for_starts(beats, starts, length=1000, fs=FS):
    return np.stack([window_features(beats, s, length, fs) for s in starts]) if len(starts) else np.zeros((0, N_FEATURES), np.float32)
