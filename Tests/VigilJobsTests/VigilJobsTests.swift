import Foundation
import Synchronization
import Testing
import VigilJobs
import VigilTestSupport

/// What a job wrote, collected in memory (jobs write from several tasks).
final class CollectedOutput: Sendable {
    private let lines = Mutex<[String]>([])
    private let notes = Mutex<[String]>([])

    var output: JobOutput {
        JobOutput(line: { line in self.lines.withLock { $0.append(line) } },
                  note: { note in self.notes.withLock { $0.append(note) } })
    }

    var text: String { lines.withLock { $0.joined(separator: "\n") } }
    var noteText: String { notes.withLock { $0.joined(separator: "\n") } }
}

/// The CLI's jobs run in process on SampleData (issue 12: the CLI only parses options and calls these).
@Suite struct VigilJobsTests {
    /// A manifest naming two SampleData records by absolute path.
    static func manifest(in folder: TemporaryFolder) throws -> URL {
        let url = folder.file("manifest.csv")
        let records = ["synthetic_muse.xml", "mitdb208_excerpt.hea"].map { Repository.sampleECG.appendingPathComponent($0).path }
        try (["path,patient_id"] + records.enumerated().map { "\($1),P\($0)" }).joined(separator: "\n")
            .write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    @Test func batchScoresAManifestOnceAndTheExportListsItsFindings() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let db = folder.file("store.sqlite").path
        var options = BatchJob.Options(source: try Self.manifest(in: folder).path, db: db)
        options.workers = 1
        try options.validate()

        let first = CollectedOutput()
        try await BatchJob.run(options, output: first.output)
        #expect(first.text.contains("Batch: 2 inputs"), "\(first.text)")
        #expect(first.text.contains("0 already scored (skipped), 0 unreadable"), "\(first.text)")
        #expect(first.noteText.contains("batch: 2 inputs"))

        // Resumable and idempotent: a second run scores nothing new.
        let second = CollectedOutput()
        try await BatchJob.run(options, output: second.output)
        #expect(second.text.contains("2 already scored (skipped)"), "\(second.text)")

        var export = ExportJob.Options(db: db, format: "csv")
        export.output = folder.file("findings.csv").path
        try await ExportJob.run(export, output: CollectedOutput().output)
        let csv = try String(contentsOf: folder.file("findings.csv"), encoding: .utf8)
        let rows = csv.split(separator: "\n")
        #expect(rows.count > 2, "a header and rows for both inputs")
        #expect(csv.contains("synthetic_muse.xml") || csv.contains("P0"), "\(rows.prefix(3))")
    }

    @Test func optionsThatCannotWorkAreRefusedBeforeAnythingIsWritten() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let db = folder.file("store.sqlite").path
        var batch = BatchJob.Options(source: Repository.sampleECG.path, db: db)
        batch.enqueue = true
        #expect(throws: JobError("--enqueue needs --db postgresql://USER@HOST:PORT/DB (the queue lives in PostgreSQL)")) {
            try batch.validate()
        }
        batch = BatchJob.Options(source: folder.file("absent").path, db: db)
        #expect(throws: JobError("SOURCE \(folder.file("absent").path): no such file or folder")) { try batch.validate() }
        #expect(throws: JobError("--format must be one of \(ExportJob.formats.joined(separator: ", ")); got 'pdf'")) {
            try ExportJob.Options(db: db, format: "pdf").validate()
        }
        #expect(throws: JobError("--db must be a postgresql:// URL: the work queue lives in PostgreSQL")) {
            try WorkerJob.Options(db: db).validate()
        }
        var plot = ECGJobs.PlotOptions()
        plot.beats = "peaks"
        #expect(throws: JobError("--beats must be detector, annotations or none, got 'peaks'")) { try plot.validate() }
        plot.beats = "Annotations"
        try plot.validate()
        #expect(!FileManager.default.fileExists(atPath: db), "no store was created")
    }

    /// An export reads the shared PostgreSQL store as well as a SQLite file: a well-formed URL passes the checks (the
    /// server is asked when the job runs), a malformed one and an absent file are refused by name.
    @Test func exportTakesAPostgresStoreAndRefusesAnAbsentFile() throws {
        try ExportJob.Options(db: "postgresql://vigil@127.0.0.1:5432/vigil", format: "csv").validate()
        #expect(throws: JobError.self) { try ExportJob.Options(db: "postgresql://", format: "csv").validate() }
        #expect(throws: JobError("/nonexistent/store.sqlite: no such findings store")) {
            try ExportJob.Options(db: "/nonexistent/store.sqlite", format: "csv").validate()
        }
    }

    @Test func tokensAreCreatedListedAndRevoked() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let db = folder.file("store.sqlite").path
        #expect(throws: JobError("--role must be one of \(TokenJob.roles.joined(separator: ", "))")) {
            try TokenJob.validateCreate(role: "owner", expiresDays: nil, site: nil)
        }
        let created = CollectedOutput()
        try await TokenJob.create(db: db, role: "reader", name: "ris", expiresDays: 30, site: nil, output: created.output)
        let secret = created.text
        #expect(!secret.isEmpty && !secret.contains("\n"), "the token alone")
        #expect(created.noteText.contains("(reader, hospital-wide) created"))

        let listed = CollectedOutput()
        try await TokenJob.list(db: db, json: false, output: listed.output)
        #expect(listed.text.contains("\treader\t*\t"))
        #expect(!listed.text.contains(secret), "the token itself is never listed")

        let revoked = CollectedOutput()
        try await TokenJob.revoke(db: db, id: 1, output: revoked.output)
        #expect(revoked.noteText == "token #1 revoked")
        await #expect(throws: JobError("\(folder.file("other.sqlite").path): no such findings store")) {
            try await TokenJob.list(db: folder.file("other.sqlite").path, json: true, output: CollectedOutput().output)
        }
    }

    @Test func ecgScoreReportsUnreadableFilesAndScoresTheRest() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let broken = folder.file("broken.hea")
        try "not a header".write(to: broken, atomically: true, encoding: .utf8)
        let out = CollectedOutput()
        let failures = try await ECGJobs.score(records: [Repository.sampleECG.appendingPathComponent("synthetic_muse.xml").path, broken.path],
                                               json: true, mainsHz: nil, output: out.output)
        #expect(failures == 1)
        #expect(out.noteText.contains("broken.hea"))
        let document = try #require(try JSONSerialization.jsonObject(with: Data(out.text.utf8)) as? [String: Any])
        #expect((document["outcomes"] as? [Any])?.isEmpty == false)
        await #expect(throws: JobError("--mains must be 50 or 60")) {
            try await ECGJobs.score(records: [], json: true, mainsHz: 55, output: out.output)
        }
    }

    @Test func synthECGWritesReproducibleRecordsAndRefusesBadOptions() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        var options = SynthECGJob.Options(out: folder.file("a").path)
        options.count = 2
        options.seconds = 2
        options.jobs = 1
        try options.validate()
        try SynthECGJob.run(options, output: CollectedOutput().output)
        options.out = folder.file("b").path
        try SynthECGJob.run(options, output: CollectedOutput().output)
        let a = try Data(contentsOf: folder.file("a/labels.csv")), b = try Data(contentsOf: folder.file("b/labels.csv"))
        #expect(a == b, "the same seed gives the same records")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.file("a").path).filter { $0.hasSuffix(".hea") }.count == 2)
        options.prefix = "a b"
        #expect(throws: JobError("--prefix must be ASCII letters, digits or _, got 'a b'")) { try options.validate() }
        options.prefix = "syn"
        options.snrDB = "loud"
        #expect(throws: JobError("--snr-db: 'loud' is not a number or 'inf'")) { try options.validate() }
    }

    @Test func explainAnswersFromAFindingsFileWithTheTemplate() async throws {
        var options = ExplainJob.Options()
        options.findings = Repository.sampleData.appendingPathComponent("findings/example-ecg-afib.json").path
        options.audience = "clinician"
        let out = CollectedOutput()
        try await ExplainJob.run(options, output: out.output)
        #expect(!out.text.isEmpty)
        #expect(!out.text.contains("http://"), "no server address reaches a reader")
        options.audience = "family"
        await #expect(throws: JobError("--audience must be one of clinician, patient")) {
            try await ExplainJob.run(options, output: out.output)
        }
        options.audience = "patient"
        options.db = "store.sqlite"
        await #expect(throws: JobError("give --findings FILE or --db FILE --input ID, not both")) {
            try await ExplainJob.run(options, output: out.output)
        }
    }
}
