"""The ecg-af model card's io section (the keys Sources/ECGDetectors/AFModelSpec.swift reads)."""
import af_common as C


def io_section(temperature, threshold, predictive=None, rr=False):
    label = {"code": "ecg.af.afib", "label": "Atrial fibrillation", "temperature": round(float(temperature), 5),
             "operatingThreshold": round(float(threshold), 5)}
    if predictive:
        label["predictiveValues"] = predictive
    inputs = [{
            "name": "ecg", "shape": [-1, 1, C.WIN],
            "layout": "batch × 1 × sample: one lead per row, 10 s at 100 Hz, standardised per window",
            "preprocessing": {
                "sampleRateHz": C.FS, "lengthSamples": C.WIN, "hopSamples": C.HOP, "scaling": "mV",
                "bandPassHz": list(C.BAND), "bandPassOrder": C.ORDER, "standardize": "per_window",
                "leadCombination": "mean", "recordSpanSeconds": C.SPAN_SECONDS, "minimumReadableLeads": 1,
            },
        }]
    if rr:
        import af_rr
        inputs.append({
            "name": "rr", "shape": [-1, af_rr.N_FEATURES],
            "layout": "batch × feature: the RR-interval features of the same lead and window (Tools/ecg/real/af_rr.py)",
            "preprocessing": {"features": "vigil.af.rr.v1", "count": af_rr.N_FEATURES},
        })
    return {"inputs": inputs, "outputs": [{"name": "logits", "kind": "logits", "labels": [label]}]}
