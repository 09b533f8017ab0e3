#!/usr/bin/env python3
"""Shows recorded language-model answers for labelling, *without* the claim checker's verdict, so that each
answer is judged faithful or not by reading it against its facts before the checker's decision is known.

For every record written by `vigil bench explain --record DIR` it prints the facts the model was given (the
user part of the compact prompt), the question, and the answer as a reader would see it (references filled
in). Labels go into Tools/llm/labels.json as {"<record folder>/<record file>": {"faithful": bool, "reason": "..."}};
answers already labelled are skipped.

Usage: python3 Tools/llm/label-view.py RECORD_DIR [--all]
"""
import json
import pathlib
import sys

root = pathlib.Path(__file__).resolve().parents[2]
labels_path = root / "Tools/llm/labels.json"
labels = json.loads(labels_path.read_text()) if labels_path.exists() else {}
show_all = "--all" in sys.argv
for path in sorted(pathlib.Path(sys.argv[1]).glob("*.json")):
    r = json.loads(path.read_text())
    key = f"{pathlib.Path(sys.argv[1]).name}/{path.name}"
    if key in labels and not show_all:
        continue
    print("=" * 100)
    print(key, "·", r["audience"], "·", r.get("question") or "(no question)")
    prompt = r.get("prompt") or ""
    user = "AUDIENCE:" + prompt.split("\nAUDIENCE:", 1)[1] if "\nAUDIENCE:" in prompt else prompt   # system rules dropped
    facts = [l for l in user.splitlines() if not l.startswith("TASK:")]
    print("\n".join("   | " + l for l in facts))
    if r.get("rawAnswer") is None:
        print("   (no answer: " + (r.get("failure") or "?") + ")")
        continue
    for c in r.get("claims", []):
        print("  CLAIM:", c["text"], " [", ", ".join(c.get("codes", []) + c.get("measurements", [])), "]")
    if r.get("answer"):
        print("  ANSWER:", r["answer"])
