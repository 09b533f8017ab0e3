// DetectorKit: the detector plug-in contract.
//
// A detector (ECG heart-disease detector, pancreatic CT scorer, a hospital's own model) conforms to
// `Detector`, is wrapped in `AnyDetector` and registered by id in a `DetectorRegistry`; the CLI and the
// HTTP server list and call detectors only through the registry. A detector answers with a
// `DetectorOutcome`: validated `Finding`s, or an `Abstention` with a machine-readable reason.
// Each model carries a `ModelCard` loaded from JSON next to its weights (Models/<model>/model.card.json).
// All JSON goes through `VigilJSON` (camelCase keys, sorted, ISO-8601 UTC timestamps); the schema is
// documented in docs/findings-schema.md.
//
// DetectorKit knows nothing of readers, TensorCore, storage or HTTP: input types (`ECGRecord`,
// `ImageVolume`, …) live in other modules and conform to `DetectorInput` there.
