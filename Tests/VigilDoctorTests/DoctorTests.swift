import DetectorCatalog
import FindingsStore
import Foundation
import Testing
import VigilTestSupport
@testable import VigilDoctor

/// `vigil doctor`'s checks on a fresh setup, a missing or tampered model folder, an unreachable and a
/// working language-model server, stores and PostgreSQL URLs.
@Suite("Doctor")
struct DoctorTests {
    /// The repository's Models folder.
    static let models = Repository.models

    private func setup(_ env: [String: String] = [:], models: URL? = DoctorTests.models, db: String? = nil) -> DoctorSetup {
        DoctorSetup(environment: env, modelsDirectory: models, database: db, languageModelTimeoutSeconds: 2, threads: 2, cores: 2)
    }

    @Test func aFreshSetupHasNoErrorsVerifiesEveryShippedModelAndReadsTheStoreSchema() async throws {
        let tmp = try TemporaryFolder("DoctorTests")
        defer { tmp.remove() }
        let db = tmp.url.appendingPathComponent("vigil.sqlite").path
        _ = try SQLiteFindingsStore(path: db, actor: "test")  // what a first batch creates
        let report = await Doctor.run(setup(db: db))
        let errors = report.checks.filter { $0.status == .error }
        #expect(errors.isEmpty, "\(errors)")
        #expect(report.exitCode == 0)
        let models = report.checks("models")
        let folders = DetectorCatalog.shippedModelFolders
        #expect(folders.count == 4)  // ecg-cnn, ecg-af, the CT localiser and lesion models
        #expect(models.count == folders.count + 1)  // one line per model folder + the registry line
        #expect(models.allSatisfy { $0.status == .ok }, "\(models)")
        #expect(models.filter { $0.message.contains("verified") }.count == folders.count)
        for (folder, _) in folders { #expect(models.contains { $0.message.hasPrefix("\(folder):") }, "\(folder)") }
        for id in ["ecg-rhythm", "ecg-cnn", "ecg-af", "ct-pancreas"] {
            #expect(models.last?.message.contains(id) == true, "\(id)")
        }
        let store = try #require(report.checks("store").first)
        #expect(store.status == .ok)
        #expect(store.message.contains("schema \(SQLiteFindingsStore.schemaMigrations.last!)"))
        #expect(store.message.contains("0 inputs"))
        #expect(report.checks("language model").first?.message.contains("not configured") == true)
        #expect(report.checks("version").first?.message.contains(VigilVersion.string) == true)
        for area in ["cpu", "threads", "openblas"] { #expect(report.checks(area).count == 1, "\(area)") }
        #expect(report.checks("openblas").first?.message.contains("1 thread per call") == true)
        // Nothing written by the doctor: the store file is unchanged, no model file appeared.
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp.url.path).filter { !$0.hasPrefix("vigil.sqlite") }.isEmpty)
        let text = report.render()
        #expect(text.contains("0 errors"))
    }

    @Test func aMissingModelFolderIsAnErrorThatSaysWhereItLookedAndHowToFixIt() async throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("no-models-\(UUID().uuidString)")
        let report = await Doctor.run(setup(models: missing))
        let line = try #require(report.checks("models").first)
        #expect(line.status == .error)
        #expect(line.message.contains(missing.path))
        #expect(line.message.contains("only ecg-rhythm"))
        #expect(line.fix?.contains("VIGIL_MODELS") == true)
        #expect(report.exitCode == 1)
        // Without --models, the environment variable is where it looked.
        let viaEnv = await Doctor.run(setup(["VIGIL_MODELS": missing.path], models: nil))
        #expect(viaEnv.checks("models").first?.message.contains("$VIGIL_MODELS") == true)
    }

    @Test func oneModelFolderMissingIsAWarningAndTamperedWeightsAreAnError() async throws {
        let tmp = try TemporaryFolder("DoctorTests")
        defer { tmp.remove() }
        let fm = FileManager.default
        // ecg-cnn with its card but other weights; no CT folders.
        let ecg = tmp.url.appendingPathComponent("ecg-cnn")
        try fm.createDirectory(at: ecg, withIntermediateDirectories: true)
        try fm.copyItem(at: Self.models.appendingPathComponent("ecg-cnn/model.card.json"), to: ecg.appendingPathComponent("model.card.json"))
        var weights = try Data(contentsOf: Self.models.appendingPathComponent("ecg-cnn/model.onnx"))
        weights[weights.count / 2] ^= 0xFF
        try weights.write(to: ecg.appendingPathComponent("model.onnx"))
        let report = await Doctor.run(setup(models: tmp.url))
        let lines = report.checks("models")
        let cnn = try #require(lines.first { $0.message.hasPrefix("ecg-cnn") })
        #expect(cnn.status == .error)
        #expect(cnn.message.contains("SHA-256") || cnn.message.lowercased().contains("hash"), "\(cnn.message)")
        let ct = lines.filter { $0.message.hasPrefix("ct-pancreas") }
        #expect(ct.count == 2)
        #expect(ct.allSatisfy { $0.status == .warning && $0.message.contains("not found at") })
        #expect(report.exitCode == 1)
    }

    @Test func anUnreachableLanguageModelServerIsAnErrorWithTheFix() async throws {
        let port = try closedLoopbackPort()
        let report = await Doctor.run(setup(["VIGIL_OPENAI_BASE_URL": "http://127.0.0.1:\(port)/v1", "VIGIL_OPENAI_MODEL": "m"],
                                            models: nil))
        let lm = report.checks("language model")
        #expect(lm.count == 1)
        let line = try #require(lm.first)
        #expect(line.status == .error)
        #expect(line.message.contains("127.0.0.1:\(port)"))
        #expect(line.message.contains("cannot connect"), "\(line.message)")
        #expect(line.fix?.contains("start the server") == true)
        #expect(report.exitCode == 1)
    }

    @Test func aWorkingServerIsReachableServesTheModelAndAnswersOneToken() async throws {
        let server = try FakeLanguageModelServer(model: "tiny-chat")
        defer { server.stop() }
        let base = "http://127.0.0.1:\(server.port)/v1"
        let report = await Doctor.run(setup(["VIGIL_OPENAI_BASE_URL": base, "VIGIL_OPENAI_MODEL": "tiny-chat"]))
        let lm = report.checks("language model")
        #expect(lm.count == 2, "\(lm)")
        #expect(lm.allSatisfy { $0.status == .ok }, "\(lm)")
        #expect(lm.first?.message.contains("serves tiny-chat") == true)
        #expect(lm.last?.message.contains("1 completion token") == true)
        #expect(server.requests == ["GET /v1/models", "POST /v1/chat/completions"])

        // A model name the server does not list is a warning; no model name at all keeps the backend off.
        let other = await Doctor.run(setup(["VIGIL_OPENAI_BASE_URL": base, "VIGIL_OPENAI_MODEL": "big-chat"]))
        #expect(other.checks("language model").contains { $0.status == .warning && $0.message.contains("big-chat") })
        let unnamed = await Doctor.run(setup(["VIGIL_OPENAI_BASE_URL": base]))
        let warn = try #require(unnamed.checks("language model").last)
        #expect(warn.status == .warning)
        #expect(warn.fix == "set VIGIL_OPENAI_MODEL=tiny-chat")
    }

    @Test func aBadBaseURLIsAnError() async {
        let report = await Doctor.run(setup(["VIGIL_OPENAI_BASE_URL": "localhost:8080", "VIGIL_OPENAI_MODEL": "m"], models: nil))
        #expect(report.checks("language model").first?.status == .error)
    }

    @Test func storesThatAreMissingForeignOrPostgreSQLSaySo() async throws {
        let tmp = try TemporaryFolder("DoctorTests")
        defer { tmp.remove() }
        let missing = tmp.url.appendingPathComponent("later.sqlite").path
        var report = await Doctor.run(setup(models: nil, db: missing))
        #expect(report.checks("store").first?.status == .warning)
        #expect(!FileManager.default.fileExists(atPath: missing))  // not created

        let text = tmp.url.appendingPathComponent("notes.sqlite")
        try Data("not a database".utf8).write(to: text)
        report = await Doctor.run(setup(models: nil, db: text.path))
        #expect(report.checks("store").first?.status == .error)

        report = await Doctor.run(setup(models: nil, db: "postgresql://vigil:secret@db.example:5432/vigil"))
        let pg = try #require(report.checks("postgresql").first)
        #expect(pg.status == .warning)
        #expect(pg.message.contains("does not connect"))
        #expect(pg.message.contains("db.example:5432"))
        #expect(!pg.message.contains("secret"))

        report = await Doctor.run(setup(["DATABASE_URL": "postgres://u:pw@pg.local/vigil"], models: nil))
        let env = try #require(report.checks("postgresql").first)
        #expect(env.status == .warning)
        #expect(!env.message.contains("pw"))
        #expect(report.checks("store").first?.status == .ok)
    }

    @Test func storeLocationValidationCreatesNothing() throws {
        let tmp = try TemporaryFolder("DoctorTests")
        defer { tmp.remove() }
        #expect(throws: StoreLocationError.self) { try StoreLocation.validate("postgres://h/db", mustExist: false) }
        #expect(throws: StoreLocationError.self) { try StoreLocation.validate(tmp.url.appendingPathComponent("no/such/x.sqlite").path, mustExist: false) }
        #expect(throws: StoreLocationError.self) { try StoreLocation.validate(tmp.url.appendingPathComponent("x.sqlite").path, mustExist: true) }
        #expect(throws: StoreLocationError.self) { try StoreLocation.validate(tmp.url.path, mustExist: false) }
        let ok = tmp.url.appendingPathComponent("x.sqlite").path
        #expect(try StoreLocation.validate(ok, mustExist: false) == ok)
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp.url.path).isEmpty)
    }

    @Test func cpuFeaturesAndThreadSettings() async throws {
        let tmp = try TemporaryFolder("DoctorTests")
        defer { tmp.remove() }
        let text = "processor\t: 0\nmodel name\t: Test CPU 9000\nflags\t\t: fpu sse2 avx avx2 fma avx512f avx512bw\n\nprocessor\t: 1\nflags\t\t: fpu\n"
        let cpu = CPUDescription(cpuinfo: text)
        #expect(cpu.modelName == "Test CPU 9000")
        #expect(cpu.flags.isSuperset(of: ["avx2", "fma", "avx512f"]))
        let old = tmp.url.appendingPathComponent("cpuinfo-old")
        try Data("model name\t: Old CPU\nflags\t\t: fpu sse2 sse4_2\n".utf8).write(to: old)
        var s = setup(models: nil)
        s.cpuinfo = old
        #if arch(x86_64)
        let line = CPUChecks.cpu(s)
        #expect(line.status == .warning)
        #expect(line.message.contains("AVX2 no"))
        #endif
        s.cpuinfo = tmp.url.appendingPathComponent("missing")
        #expect(CPUChecks.cpu(s).status == .warning)

        #expect(CPUChecks.threads(setup(["VIGIL_THREADS": "lots"])).status == .warning)
        var many = setup()
        many.threads = 8
        #expect(CPUChecks.threads(many).status == .warning)
        #expect(CPUChecks.threads(setup(["VIGIL_THREADS": "2"])).status == .ok)
    }
}
