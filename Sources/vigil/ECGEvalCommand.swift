import ArgumentParser
import Foundation
import VigilBench

/// `vigil ecg eval RECORD...`: beat (EC57) or P-wave detection against reference annotations
/// (``VigilBench/ECGBeatEvaluation``).
struct ECGEvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval", abstract: "QRS detection sensitivity and positive predictivity against reference beats (EC57, as bxb).",
        discussion: """
            Reference beats: WFDB beat annotations (.atr next to the .hea), or the per-beat fiducial points of a \
            DICOM ECG. Beats are those of the full measurement pipeline (ECGAnalysis), matched within 150 ms \
            (ANSI/AAMI EC57). Per record the table shows the standard bxb figures: beats in ventricular \
            flutter/fibrillation ([ … ] and (VFL / (VF rhythm) not scored, first --learning seconds (EC57 for \
            MIT-BIH: 5 min) not scored. The totals are given gross (summed counts) and average (mean of the \
            per-record figures), for all four combinations (VF excluded or scored, learning period skipped or \
            not). A record the pipeline refuses counts all its reference beats as missed. Beats within --edge \
            seconds of either end are not scored.
            """)

    @Argument(help: "ECG records with reference beats.") var records: [String]
    @Option(help: "Sampling rate in Hz, for CSV files that do not state it.") var rate: Double?
    @Flag(help: "List the times of missed reference beats and of extra detections (standard variant).") var details = false
    @Option(help: "Seconds at each end of a record where beats are not scored.") var edge: Double = 0.1
    @Option(help: "Learning period in seconds at the start of each record (EC57: 300).") var learning: Double = 300
    @Flag(help: "Score beat-by-beat P-wave detection instead, against the record's .pwave annotations (PWaveEvaluation).") var pwaves = false
    @Option(help: "With --pwaves: matching tolerance in ms around the annotated P peak.") var pTolerance: Double = 50
    @Flag(help: "Score heartbeat classes (AAMI N/S/V/F) against the annotated beat labels instead (BeatClassEvaluation).") var beatClasses = false
    @Option(help: "With --beat-classes: a beat-class model file (JSON) to score next to the rule classifier.") var beatModel: String?
    @Option(help: "With --beat-classes: write every labelled beat's features to this CSV file.") var beatFeaturesCSV: String?

    func run() throws {
        guard !records.isEmpty else { throw ValidationError("give at least one record") }
        guard edge >= 0, learning >= 0 else { throw ValidationError("--edge and --learning must be ≥ 0") }
        if pwaves, !(pTolerance > 0) { throw ValidationError("--p-tolerance must be > 0") }
        if pwaves && beatClasses { throw ValidationError("--pwaves and --beat-classes are separate evaluations; give one") }
        if !beatClasses, beatModel != nil || beatFeaturesCSV != nil {
            throw ValidationError("--beat-model and --beat-features-csv go with --beat-classes")
        }
        var evaluation = ECGBeatEvaluation(records: records.map { URL(fileURLWithPath: $0) })
        evaluation.rate = rate
        evaluation.details = details
        evaluation.edge = edge
        evaluation.learning = learning
        evaluation.pTolerance = pTolerance
        let failures: Int
        if beatClasses {
            failures = try evaluation.runBeatClasses(.standard, model: beatModel.map { URL(fileURLWithPath: $0) },
                                                     featuresCSV: beatFeaturesCSV.map { URL(fileURLWithPath: $0) })
        } else {
            failures = pwaves ? try evaluation.runPWaves(.standard) : try evaluation.runBeats(.standard)
        }
        if failures > 0 { throw ExitCode(1) }
    }
}
