"""Writes Models/ct-pancreas-{localizer,lesion}/model.card.json from the evaluation results (evaluate.py)."""
import json
import os

PRE = {"padHU": -1000, "windowCenterHU": 40, "windowWidthHU": 400}
NOT_FOR = ["Clinical diagnosis, screening, triage or any decision about a patient",
           "Real patient CT without independent validation on labelled clinical data",
           "Non-contrast, arterial-phase-only, pediatric or non-abdominal CT"]
TRAIN_SRC = "Vigil CTSynth (`vigil synth ct`, Sources/CTSynth) via Tools/ct/make_dataset.py"


def r3(x):
    return None if x is None else round(float(x), 4)


def write(models, res, loc_sha, les_sha, version):
    t = res["train"]
    n_test, n_val = res["nTest"], res["nVal"]
    test_ds = {"name": "CTSynth held-out phantom test set (seeds 900001+, never seen in training or calibration)",
               "size": n_test, "synthetic": True,
               "source": "Synthetic abdominal CT phantoms from CTSynth (the generator behind `vigil synth ct`), 32 slices of 2.5 mm, 512 x 512, %d with and %d without a lesion"
                         % (res["nTestPos"], res["nTestNeg"])}
    real = res.get("realTCIA")
    real_txt = ("On the one real slice shipped (TCIA Pancreas-CT PANCREAS_0001 slice 122, no pancreatic lesion): "
                + ("the localiser found no pancreas (0 scored slices), so no lesion score." if not real or real["studyLogit"] is None else
                   "%d slice scored, study logit %.2f, calibrated probability %.3f (%s the operating threshold %.3f)."
                   % (real["scoredSlices"], real["studyLogit"], real["probability"],
                      "above" if real["aboveThreshold"] else "below", res["threshold"])))
    common_lim = ["Trained and evaluated only on synthetic phantoms: performance on real CT is unknown and is expected to be much worse.",
                  "The phantom is an analytic model (ellipsoids, tubes) with Gaussian PSF and Gaussian-filtered noise; real anatomy, "
                  "texture, artefacts, vendor kernels and pathologies other than a single hypo-attenuating lesion are absent.",
                  real_txt]
    loc = {
        "schemaVersion": 1, "name": "Vigil CT pancreas localiser (2-D U-Net, synthetic-trained)", "version": version,
        "weightsFile": "model.onnx", "weightsSHA256": loc_sha,
        "intendedUse": "Research use only, not for clinical use. Stage 1 of the Vigil pancreatic CT scorer: segments the pancreas "
                       "on axial slices of portal-venous contrast-enhanced adult abdominal CT so the lesion model can be applied "
                       "around it. Output is read by software, not by clinicians.",
        "notForUse": NOT_FOR + ["Pancreas volumetry or any measurement reported to a clinician"],
        "trainingData": {"description": "%d synthetic phantom studies (%d axial slices), pancreas masks from the phantom's ground truth. "
                                        "Trained on synthetic phantoms only: no patient data. %d optimiser steps of 32 slices (AdamW, BCE + Dice) on 1 shared CPU core: "
                                        "undertrained." % (t["trainStudies"], t.get("locSlices", 0), t.get("locSteps", 0)),
                         "synthetic": True, "source": TRAIN_SRC},
        "evaluation": [{"dataset": test_ds, "metrics": [
            {"name": "Dice (pancreas, 128 x 128 localiser grid, mean per study)", "value": r3(res["testDiceLocalizer"])}]}],
        "limitations": common_lim + ["Coarse 3.2 mm grid: meant for locating the pancreas, not for delineating it."],
        "references": ["docs/ct-models.md", "Tools/ct/train.py", "Tools/ct/evaluate.py"],
        "io": {"inputs": [{"name": "ct", "shape": [-1, 1, 128, 128],
                           "layout": "batch × channel × row × column (axial slice)",
                           "preprocessing": dict(PRE, pixelSpacingMM=3.2, minMaskPixels=4)}],
               "outputs": [{"name": "pancreas_logits", "kind": "mask_logits",
                            "labels": [{"code": "pancreas", "label": "Pancreas", "temperature": 1, "operatingThreshold": 0.5}]}]},
    }
    metrics = [{"name": "AUROC", "value": r3(res["testAUC"]), "ci95": {"lower": r3(min(res["testAUCci"][0], res["testAUC"])),
                                                                       "upper": r3(max(res["testAUCci"][1], res["testAUC"]))}},
               {"name": "sensitivity at 95% specificity (test ROC)", "value": r3(res["testSensAt95Spec"])},
               {"name": "sensitivity at the operating threshold", "value": r3(res["testSensAtOperatingThreshold"])},
               {"name": "specificity at the operating threshold", "value": r3(res["testSpecAtOperatingThreshold"])},
               {"name": "ECE (10 bins, calibrated study probability)", "value": r3(res["testECE"])}]
    for k, b in res["bySize"].items():
        if b["n"]:
            metrics.append({"name": "sensitivity at the operating threshold (n=%d lesions)" % b["n"], "value": r3(b["sensAtOperatingThreshold"]),
                            "subgroup": "lesion diameter %s" % k})
            metrics.append({"name": "AUROC vs all negatives (n=%d lesions, %d negatives)" % (b["n"], res["nTestNeg"]),
                            "value": r3(b["aucVsAllNegatives"]), "subgroup": "lesion diameter %s" % k})
    if res.get("sizeEstimateMAEmm") is not None:
        metrics.append({"name": "lesion size estimate mean absolute error (mm; lesion studies, segmentation on the top-scoring slice vs true diameter)", "value": r3(res["sizeEstimateMAEmm"])})
    les = {
        "schemaVersion": 1, "name": "Vigil CT pancreatic lesion model (2.5-D CNN, synthetic-trained)", "version": version,
        "weightsFile": "model.onnx", "weightsSHA256": les_sha,
        "intendedUse": "Research use only, not for clinical use. Stage 2 of the Vigil pancreatic CT scorer: scores 2.5-D crops "
                       "around the localised pancreas of portal-venous contrast-enhanced adult abdominal CT for a "
                       "hypo-attenuating lesion and segments it; the study-level score is for research and software testing.",
        "notForUse": NOT_FOR + ["Ruling out pancreatic cancer", "Lesion measurement for staging or follow-up"],
        "trainingData": {"description": "%d synthetic phantom studies (about half with one hypo-attenuating pancreatic lesion of "
                                        "5-40 mm, 30-70 HU below the pancreas), %d crops of which %d show lesion; labels from the "
                                        "phantom's ground truth. Trained on synthetic phantoms only: no patient data. Temperature and "
                                        "operating threshold (95%% specificity) set on %d separate validation phantoms. %d optimiser steps of 32 crops "
                                        "(balanced lesion / lesion-free, AdamW) on 1 shared CPU core: undertrained."
                                        % (t["trainStudies"], t.get("lesionCrops", 0), t.get("lesionPositiveCrops", 0), n_val, t.get("lesionSteps", 0)),
                         "synthetic": True, "source": TRAIN_SRC},
        "evaluation": [{"dataset": test_ds, "metrics": metrics}],
        "limitations": common_lim + ["Only solitary, hypo-attenuating, ellipsoidal lesions were simulated; iso-attenuating tumours, "
                                     "cysts, duct dilatation, pancreatitis and atrophy were not.",
                                     "Depends on the localiser: slices where it finds no pancreas are not scored.",
                                     "Temperature and threshold come from only %d validation phantoms: on the test phantoms the threshold gave specificity %.2f (target 0.95)." % (n_val, res["testSpecAtOperatingThreshold"]),
                                     "Small test set (%d phantoms): subgroup results by lesion size rest on %s lesions." % (n_test, "/".join(str(b["n"]) for b in res["bySize"].values()))],
        "references": ["docs/ct-models.md", "Tools/ct/train.py", "Tools/ct/evaluate.py"],
        "io": {"inputs": [{"name": "crop", "shape": [-1, 3, 96, 96],
                           "layout": "batch × slice (below, centre, above) × row × column",
                           "preprocessing": dict(PRE, pixelSpacingMM=1.0, sliceSpacingMM=2.5, cropSizeMM=96, aggregationWindow=3)}],
               "outputs": [{"name": "lesion_logit", "kind": "logits",
                            "labels": [{"code": "ct.pancreas.lesion_suspected", "label": "Pancreatic lesion suspected",
                                        "temperature": round(res["temperature"], 4), "operatingThreshold": round(res["threshold"], 4)}]},
                           {"name": "lesion_mask_logits", "kind": "mask_logits",
                            "labels": [{"code": "lesion", "label": "Pancreatic lesion (segmentation)", "temperature": 1,
                                        "operatingThreshold": 0.5}]}]},
    }
    for d, card in (("ct-pancreas-localizer", loc), ("ct-pancreas-lesion", les)):
        with open(os.path.join(models, d, "model.card.json"), "w") as f:
            json.dump(card, f, indent=2, ensure_ascii=False)
            f.write("\n")
