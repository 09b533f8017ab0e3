#!/usr/bin/env python3
"""Parse a `vigil export --format fhir` bundle with the fhir.resources models (a tool check, not a test).

Usage: validate.py BUNDLE.json

fhir.resources 7.x ships R4B (4.3.0) models, not R4 (4.0.1); for Bundle, DiagnosticReport, Observation and
Device the two versions define the same elements, so a bundle that parses as R4B is a useful second
opinion on the R4 shape checks in Tests/FHIRExportTests. Install: pip install -r Tools/fhir/requirements.txt
"""
import json
import sys


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    try:
        from fhir.resources.R4B.bundle import Bundle
    except ImportError:
        print("fhir.resources is not installed (pip install -r Tools/fhir/requirements.txt)", file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        data = json.load(f)
    bundle = Bundle.parse_obj(data) if hasattr(Bundle, "parse_obj") else Bundle.model_validate(data)
    counts: dict[str, int] = {}
    for entry in bundle.entry or []:
        name = entry.resource.__resource_type__ if hasattr(entry.resource, "__resource_type__") else type(entry.resource).__name__
        counts[name] = counts.get(name, 0) + 1
    print(f"{sys.argv[1]}: valid R4B Bundle ({bundle.type}); " + ", ".join(f"{n} {k}" for k, n in sorted(counts.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
