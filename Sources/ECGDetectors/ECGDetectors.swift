// ECGDetectors: the rhythm/interval rules (`RhythmDetector` on `ECGAnalysis`) and the CNN findings
// detector (CNN*.swift). Both read `ECGRecord` and share `ECGAnalysis` for measurements, quality and pacing.
