import ArgumentParser
import Foundation
import VigilBench

/// `vigil bench rhythm-af`: the rule-based `ecg-rhythm` AF call on real records (CinC 2017 with its labels, the
/// 50 CinC 2021 12-leads, none AF), with the measurements the call rests on, per record as JSON lines if asked.
struct BenchRhythmAFCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rhythm-af", abstract: "The rule-based AF call of ecg-rhythm on CinC 2017 / CinC 2021 (F1, Se, Sp; false AF).",
        discussion: """
            Runs RhythmDetector (its criteria can be overridden for a sweep) on <data>/cinc2017 (REFERENCE.csv; A = AF) \
            and <data>/cinc2021-12lead and prints the AF tallies. --dump writes one JSON line per record: source, \
            record, truth, decision, heart rate, RMSSD/mean NN, median successive RR difference, P wave. Tune on CinC \
            2017 only; CinC 2021 is the other-hospital test set (--skip-cinc2021 while tuning). A report, not a test.
            """)

    @Option(help: "Folder holding cinc2017/ and cinc2021-12lead/.") var data: String = "../shared/data/ecg-real"
    @Option(help: "CinC 2017 folder (overrides <data>/cinc2017).") var cinc2017: String?
    @Option(help: "Override RhythmCriteria.irregularNormalisedRMSSD.") var nrmssd: Double?
    @Option(help: "Override RhythmCriteria.irregularMedianSuccessiveDifference (0 = the rule before 0.2).") var msd: Double?
    @Option(help: "Write one JSON line per record here.") var dump: String?
    @Flag(help: "Do not read CinC 2021 (while tuning).") var skipCinc2021 = false

    func run() async throws {
        var bench = RhythmAFBenchmark(data: URL(fileURLWithPath: data))
        bench.cinc2017 = cinc2017.map { URL(fileURLWithPath: $0) }
        bench.nrmssd = nrmssd
        bench.msd = msd
        bench.dump = dump.map { URL(fileURLWithPath: $0) }
        bench.skipCinc2021 = skipCinc2021
        try await bench.run(.standard)
    }
}
