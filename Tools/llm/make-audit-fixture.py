#!/usr/bin/env python3
"""Builds Tests/ExplainerTests/Fixtures/real-answers.json, the labelled set of real language-model answers
for the claim checker's audit, from

  - answer records written by `vigil bench explain --record DIR` (Tools/llm/collect-answers.sh),
  - the findings files they were asked about (`vigil ecg score --json` output of real records; only the
    findings and the two model cards go in, no signal and no patient data: the records carry none),
  - Tools/llm/labels.json: {"<record folder>/<record file>": {"faithful": true|false, "reason": "..."}}, written by
    careful reading of each answer against its findings, before looking at the checker's verdict.

Usage: python3 Tools/llm/make-audit-fixture.py FINDINGS_DIR RECORD_DIR [RECORD_DIR...]
The test RealAnswerAuditTests re-runs the checker on every labelled answer and reports the confusion matrix.
"""
import json
import pathlib
import sys

root = pathlib.Path(__file__).resolve().parents[2]
labels = json.loads((root / "Tools/llm/labels.json").read_text())
findings_dir = pathlib.Path(sys.argv[1])
answers, inputs, cards = [], {}, {}
for record_dir in sys.argv[2:]:
    for path in sorted(pathlib.Path(record_dir).glob("*.json")):
        r = json.loads(path.read_text())
        key = f"{pathlib.Path(record_dir).name}/{path.name}"
        if key not in labels or r.get("rawAnswer") is None:
            continue
        name = r["input"]
        if name not in inputs:
            doc = json.loads((findings_dir / f"{name}.json").read_text())
            inputs[name] = doc["outcomes"]
            for c in doc.get("modelCards", []):
                cards[c["weightsSHA256"]] = c
        lab = labels[key]
        answers.append({
            "id": key, "model": r.get("model"), "input": name, "audience": r["audience"],
            # Answers on records looked at while the prompt and checker were changed ("dev") or never looked at
            # before the answers were labelled ("held-out"), by the record folder's name.
            "set": "held-out" if "held" in pathlib.Path(record_dir).name else "dev",
            "question": r.get("question"), "rawAnswer": r["rawAnswer"],
            "filledClaims": [c["text"] for c in r.get("claims", [])], "filledAnswer": r.get("answer"),
            "faithful": lab["faithful"], "reason": lab["reason"],
            "promptTokens": (r.get("usage") or {}).get("promptTokens"),
            "seconds": (r.get("usage") or {}).get("seconds"),
        })
out = {
    "note": "Real answers of Qwen2.5-Coder (llama.cpp, Q4_K_M) to Vigil's compact prompts about the findings of real "
            "ECG records (CinC 2021 12-lead, SampleData's real ECGs); labelled faithful or not by reading each answer "
            "against its findings. Made by Tools/llm/make-audit-fixture.py.",
    "modelCards": list(cards.values()),
    "inputs": inputs,
    "answers": answers,
}
target = root / "Tests/ExplainerTests/Fixtures/real-answers.json"
target.write_text(json.dumps(out, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
print(f"wrote {target.relative_to(root)}: {len(answers)} answers over {len(inputs)} inputs "
      f"({sum(a['faithful'] for a in answers)} labelled faithful)")
