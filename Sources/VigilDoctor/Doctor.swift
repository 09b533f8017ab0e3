import DetectorKit
import Foundation
import TensorCore

/// What `vigil doctor` looks at: the environment, the models folder, a store, the CPU description.
/// Tests build one by hand; the CLI takes ``current(database:modelsDirectory:)``.
public struct DoctorSetup: Sendable {
    /// Environment variables (`VIGIL_MODELS`, `VIGIL_THREADS`, `VIGIL_OPENAI_*`, `DATABASE_URL`, …).
    public var environment: [String: String]
    /// The models folder; nil: `$VIGIL_MODELS`, else `./Models` (``ModelsDirectory``).
    public var modelsDirectory: URL?
    /// A `--db` value to check (a SQLite file, or a URL); nil: none given.
    public var database: String?
    /// Where the CPU description is read (Linux: `/proc/cpuinfo`).
    public var cpuinfo: URL
    /// Seconds each request to the language-model server may take.
    public var languageModelTimeoutSeconds: Double
    /// The tensor core's thread setting in effect.
    public var threads: Int
    /// Cores visible to the process.
    public var cores: Int

    /// Creates a setup.
    public init(environment: [String: String], modelsDirectory: URL? = nil, database: String? = nil,
                cpuinfo: URL = URL(fileURLWithPath: "/proc/cpuinfo"), languageModelTimeoutSeconds: Double = 3,
                threads: Int = TensorThreads.count, cores: Int = ProcessInfo.processInfo.activeProcessorCount)
    {
        self.environment = environment
        self.modelsDirectory = modelsDirectory
        self.database = database
        self.cpuinfo = cpuinfo
        self.languageModelTimeoutSeconds = languageModelTimeoutSeconds
        self.threads = threads
        self.cores = cores
    }

    /// This process's environment, with an optional store and models folder.
    public static func current(database: String? = nil, modelsDirectory: URL? = nil) -> DoctorSetup {
        DoctorSetup(environment: ProcessInfo.processInfo.environment, modelsDirectory: modelsDirectory, database: database)
    }

    /// Where models are looked for, and what chose that folder.
    var resolvedModels: (url: URL, origin: String) {
        if let modelsDirectory { return (modelsDirectory, "--models") }
        if let env = environment[ModelsDirectory.environmentVariable], !env.isEmpty {
            return (URL(fileURLWithPath: env), "$\(ModelsDirectory.environmentVariable)")
        }
        return (URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Models"),
                "./Models under the current folder (set $\(ModelsDirectory.environmentVariable) to change it)")
    }
}

/// `vigil doctor`: checks whether a Vigil setup is complete and says what to fix — version, models
/// (found, weights hash verified, or where they were looked for), CPU features, the thread setting,
/// OpenBLAS threading, a findings store (reachable, schema version), a PostgreSQL URL, and the
/// configured language-model server (reachable, model name, a 1-token round trip).
///
/// Nothing is written: the store is opened read-only and never migrated.
///
/// ```swift
/// let report = await Doctor.run(.current(database: "vigil.sqlite"))
/// print(report.render()); exit(report.exitCode)
/// ```
public enum Doctor {
    /// Runs every check.
    public static func run(_ setup: DoctorSetup) async -> DoctorReport {
        var checks: [DoctorCheck] = [versionCheck()]
        checks += ModelChecks.run(setup)
        checks += CPUChecks.run(setup)
        checks += StoreChecks.run(setup)
        checks += await LanguageModelCheck.run(setup)
        return DoctorReport(checks: checks)
    }

    static func versionCheck() -> DoctorCheck {
        var name = utsname()
        uname(&name)
        func field<T>(_ value: T) -> String {
            withUnsafeBytes(of: value) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
        }
        return DoctorCheck("version", .ok, "Vigil \(VigilVersion.string) on \(field(name.sysname)) \(field(name.release)) \(field(name.machine)) (research software, not a medical device)")
    }
}
