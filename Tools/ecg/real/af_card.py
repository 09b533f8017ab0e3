"""The ecg-af model card's io section (the keys Sources/ECGDetectors/AFModelSpec.swift reads)."""
import af_common as C


def io_section(temperature, threshold, predictive=None):
    label = {"code": "ecg.af.afib", "label": "Atrial fibrillation", "temperature": round(float(temperature), 5),
             "operatingThreshold": round(float(threshold), 5)}
    if predictive:
        label["predictiveValues"] = predictive
    return {
        "inputs": [{
            "name": "ecg", "shape": [-1, 1, C.WIN],
            "layout": "batch × 1 × sample: one lead per row, 10 s at 100 Hz, standardised per window",
            "preprocessing": {
                "sampleRateHz": C.FS, "lengthSamples": C.WIN, "hopSamples": C.HOP, "scaling": "mV",
                "bandPassHz": list(C.BAND), "bandPassOrder": C.ORDER, "standardize": "per_window",
                "leadCombination": "mean", "recordSpanSeconds": C.SPAN_SECONDS, "minimumReadableLeads": 1,
            },
        }],
        "outputs": [{"name": "logits", "kind": "logits", "labels": [label]}],
    }
