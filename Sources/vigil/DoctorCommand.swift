import ArgumentParser
import Foundation
import VigilDoctor

/// `vigil doctor`: one screen saying whether this setup is complete, and what to fix (the checks live
/// in VigilDoctor; this prints them).
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check this setup: version, models, CPU features, threads, OpenBLAS, a store, the language-model server.",
        discussion: """
            Each line is ok, warning or error, with the fix under it. Nothing is written: a --db store is opened \
            read-only and never migrated. The language-model lines appear when VIGIL_OPENAI_BASE_URL or \
            VIGIL_OPENAI_MODEL is set (a GET /models and a 1-token chat completion, each with a short timeout). \
            Exit status 1 when any line is an error.
            """)

    @Option(help: "A findings store to check (SQLite file): reachable, schema version.") var db: String?
    @Option(help: "The models folder (default $VIGIL_MODELS, else ./Models).") var models: String?
    @Option(name: .customLong("lm-timeout"), help: "Seconds each request to the language-model server may take.")
    var lmTimeout: Double = 3
    @OptionGroup var compute: ComputeOptions

    func validate() throws {
        guard lmTimeout > 0, lmTimeout <= 120 else { throw ValidationError("--lm-timeout must be more than 0 and at most 120 seconds") }
    }

    func run() async throws {
        try compute.apply()
        var setup = DoctorSetup.current(database: db, modelsDirectory: models.map { URL(fileURLWithPath: $0) })
        setup.languageModelTimeoutSeconds = lmTimeout
        let report = await Doctor.run(setup)
        print(report.render())
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }
}
