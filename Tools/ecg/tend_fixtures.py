#!/usr/bin/env python3
"""Writes Tests/ECGSignalTests/Fixtures/tend.json: analytic multi-lead median beats with known T ends, and the
T ends that a numpy implementation of the trapezium-area method (Zhang et al., IRISA PI 1744, 2005; IEEE TBME
53:2544, 2006) gives on them, for DelineationTests.

Beats: 500 Hz, R at sample 125, 450 samples (R-250 ms ... R+650 ms), a piecewise-linear QRS from R-40 ms to
R+40 ms, and T waves with compact support (raised cosine, or a rise and a fall of different half-cosine widths),
so every lead's true T end is known exactly. Case "noisy" adds seeded white noise (SD 5 uV).

Reference method (written here independently of the Swift code, from the paper's formula), per lead:
  y = lead - mean(lead[R-60 ms : R-45 ms])   (isoelectric level before QRS onset at R-40 ms)
  peak = argmax |y| over [QRS offset + 60 ms, R + min(600 ms, 0.7 RR)]; s = sign(y[peak])
  xm = argmin s*gradient(y) over (peak, peak + 150 ms]   (steepest return to baseline)
  xr = min(xm + 150 ms, R + min(0.9 RR, RR - 220 ms), last sample), and the trough before the signal turns back
       up by more than 10 % of the T amplitude
  T end = argmax_t 0.5 (s y[xm] - s y[t]) (2 xr - t - xm), t in [xm, xr]
Global T end: leads with T amplitude >= 20 % of the largest; the latest end that another lead confirms within
30 ms, else the lower median.
"""
import json, os
import numpy as np

FS, R, N = 500.0, 125, 450
MS = FS / 1000


def qrs(t):
    v = np.zeros_like(t)
    v = np.where((t >= -40) & (t <= 0), (t + 40) / 40, v)
    v = np.where((t > 0) & (t <= 25), 1 - 1.3 * t / 25, v)
    v = np.where((t > 25) & (t <= 40), -0.3 + 0.3 * (t - 25) / 15, v)
    return v


def twave(t, amp, start, peak, end):
    """Rise start..peak and fall peak..end as half-cosines; 0 outside [start, end]."""
    v = np.zeros_like(t)
    rise = (t >= start) & (t <= peak)
    fall = (t > peak) & (t <= end)
    v[rise] = 0.5 * (1 - np.cos(np.pi * (t[rise] - start) / (peak - start)))
    v[fall] = 0.5 * (1 + np.cos(np.pi * (t[fall] - peak) / (end - peak)))
    return amp * v


def ref_lead_end(x, rr_ms, off):
    iso = x[R - int(60 * MS):R - int(45 * MS)]
    y = x - iso.mean()
    floor = np.abs(y[R - int(60 * MS):R - int(45 * MS)]).max()
    tlo = off + int(60 * MS)
    thi = min(N - 2, R + int(min(600, 0.7 * rr_ms) * MS))
    peak = tlo + int(np.argmax(np.abs(y[tlo:thi + 1])))
    amp = abs(y[peak])
    if amp < 0.02 or amp <= 3 * floor or peak >= thi:
        return None, amp
    s = 1.0 if y[peak] >= 0 else -1.0
    xr_limit = min(N - 1, R + int(min(0.9 * rr_ms, rr_ms - 220) * MS))
    m_end = min(N - 2, xr_limit - 1, peak + int(150 * MS))
    ks = np.arange(peak + 1, m_end + 1)
    d = s * (y[ks + 1] - y[ks - 1]) / 2
    xm = int(ks[np.argmin(d)])
    xr = min(xr_limit, N - 1, xm + int(150 * MS))
    # window ends at the trough when the signal turns back up by > 10 % of the T amplitude
    # or at the first sample past the isoelectric level by > 10 % of the T amplitude (opposite wave)
    v = s * y[xm:xr + 1]
    runmin = np.minimum.accumulate(v)
    up = np.nonzero(v - runmin > 0.1 * amp)[0]
    across = np.nonzero(v < -0.1 * amp)[0]
    if len(across) and (not len(up) or across[0] <= up[0]):
        xr = xm + int(across[0])
    elif len(up):
        xr = xm + int(np.argmin(v[:up[0]]))
    t = np.arange(xm, xr + 1)
    area = 0.5 * (s * y[xm] - s * y[t]) * (2 * xr - t - xm)
    return int(t[np.argmax(area)]), amp


def global_end(ends_amps, tol):
    big = max(a for _, a in ends_amps)
    ends = sorted(e for e, a in ends_amps if e is not None and a >= 0.2 * big)
    if not ends:
        return None
    for i in range(len(ends) - 1, 0, -1):
        if ends[i] - ends[i - 1] <= tol:
            return ends[i]
    return ends[(len(ends) - 1) // 2]


def main():
    t = (np.arange(N) - R) / FS * 1000
    q = qrs(t)
    cases = []
    spec = {
        # name: list of (QRS gain, T amp, T start, T peak, T end) per lead (ms from R)
        "raisedCosine": [(1.0, 0.3, 200, 300, 400), (-0.7, -0.21, 200, 300, 400)],
        "staggered": [(1.0, 0.3, 180, 290, 370), (0.8, 0.25, 180, 295, 385), (-0.5, -0.2, 190, 300, 395)],
        "outlierLead": [(1.0, 0.3, 180, 290, 380), (0.8, 0.25, 180, 295, 385), (0.4, 0.1, 250, 380, 460)],
        "smallTLead": [(1.0, 0.3, 180, 290, 380), (0.8, 0.25, 180, 295, 385), (0.4, 0.03, 250, 380, 450)],
        "noisy": [(1.0, 0.3, 180, 290, 370), (0.8, 0.25, 180, 295, 385), (-0.5, -0.2, 190, 300, 395)],
        # the next beat's P wave (345-445 ms) right behind the T wave, upright in both leads; the T wave of
        # lead 2 is inverted, so without the trough cut its area window would run on into the P wave
        "nextWaveClose": [(1.0, 0.3, 180, 270, 330), (-0.6, -0.25, 180, 270, 330)],
    }
    extra = {"nextWaveClose": [(0.1, 345, 395, 445), (0.08, 345, 395, 445)]}
    true_global = {"raisedCosine": 400, "staggered": 395, "outlierLead": 385, "smallTLead": 385, "noisy": 395, "nextWaveClose": 330}
    rng = np.random.default_rng(20)
    for name, leads in spec.items():
        xs = []
        for li, (g, a, t0, tp, te) in enumerate(leads):
            x = g * q + twave(t, a, t0, tp, te)
            if name in extra:
                x = x + twave(t, *extra[name][li])
            if name == "noisy":
                x = x + rng.normal(0, 0.005, N)
            xs.append(x.astype(np.float32))
        off = R + int(40 * MS)  # analytic QRS offset
        ea = [ref_lead_end(x.astype(np.float64), 1000.0, off) for x in xs]
        cases.append({
            "name": name, "fs": FS, "fiducial": R, "rrMs": 1000.0,
            "leads": [[float(v) for v in x] for x in xs],
            "leadEnds": [e for e, _ in ea],
            "globalEnd": global_end(ea, int(round(30 * MS))),
            "trueLeadEndsMs": [te for *_, te in leads],
            "trueGlobalEndMs": true_global[name],
        })
    out = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "ECGSignalTests", "Fixtures", "tend.json")
    with open(out, "w") as f:
        json.dump({"source": "Tools/ecg/tend_fixtures.py (numpy trapezium-area reference)", "cases": cases}, f)
    for c in cases:
        print(c["name"], "lead ends (ms after R):", [None if e is None else (e - R) / MS for e in c["leadEnds"]],
              "global", (c["globalEnd"] - R) / MS, "truth", c["trueGlobalEndMs"])


if __name__ == "__main__":
    main()
