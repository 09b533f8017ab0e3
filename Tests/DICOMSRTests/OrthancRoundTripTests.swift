import DICOMSR
import Foundation
import Testing
import VigilTestSupport

/// A real PACS accepts Vigil's SRs and overlays and gives them back unchanged: Tools/dicomsr/orthanc-roundtrip.sh
/// starts a private Orthanc on loopback ports, sends every file by STOW-RS (DICOMweb) and by C-STORE (dcmtk's
/// storescu), and compares each instance Orthanc returns with the file sent (data sets equal, file meta aside).
/// In CI a missing Orthanc is a failure (Tools/setup.sh installs it); locally the test is skipped with a message.
@Suite("Orthanc round trip of exported SRs")
struct OrthancRoundTripTests {
    static let repository = Repository.root

    /// Runs `script` with its output in a file (not a pipe, which a server started by the script could hold open),
    /// and stops it after `timeout` seconds. Returns (exit status, output, timed out).
    static func runBounded(_ script: URL, _ arguments: [String], environment: [String: String], timeout: TimeInterval)
        throws -> (Int32, String, Bool)
    {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("orthanc-test-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let handle = try FileHandle(forWritingTo: log)
        defer { try? handle.close() }
        let p = Process()
        p.executableURL = script
        p.arguments = arguments
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = handle
        p.standardError = handle
        try p.run()
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        let timedOut = p.isRunning
        if timedOut { p.terminate() }  // SIGTERM: the script's EXIT trap stops its Orthanc
        p.waitUntilExit()
        return (p.terminationStatus, (try? String(contentsOf: log, encoding: .utf8)) ?? "", timedOut)
    }

    @Test func orthancAcceptsAndReturnsEverySRAndOverlay() async throws {
        guard Validator.required("Orthanc") != nil, Validator.required("storescu") != nil,
              Validator.required("curl") != nil
        else { return }
        let folder = try tempFolder("SRorthanc")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try await ctStore(folder)
        let out = folder.appendingPathComponent("out")
        let summary = try await DICOMSRExporter(store: store, directory: out).write()
        let files = summary.reports + summary.overlays
        #expect(!summary.overlays.isEmpty)
        // Ports of our own, so a sample job or a second test run on the machine does not collide.
        let http = Int.random(in: 20000..<30000), dicom = Int.random(in: 30000..<40000)
        let (status, output, timedOut) = try Self.runBounded(
            Self.repository.appendingPathComponent("Tools/dicomsr/orthanc-roundtrip.sh"), [out.path],
            environment: ["ORTHANC_HTTP_PORT": "\(http)", "ORTHANC_DICOM_PORT": "\(dicom)"], timeout: 180)
        #expect(!timedOut, "the round trip did not end within 180 s: \(output.suffix(800))")
        #expect(status == 0, "\(output.suffix(1500))")
        let plugin = FileManager.default.fileExists(atPath: "/usr/share/orthanc/plugins/libOrthancDicomWeb.so")
        if !plugin && ProcessInfo.processInfo.environment["CI"] == "true" {
            Issue.record("orthanc-dicomweb is not installed: Tools/setup.sh installs it (STOW-RS pass)")
        }
        for pass in plugin ? ["STOW-RS", "C-STORE"] : ["C-STORE"] {
            for f in files {
                #expect(output.contains("\(f.lastPathComponent): stored (\(pass)) and returned with an equal data set"),
                        "\(f.lastPathComponent) by \(pass): \(output.suffix(1500))")
            }
        }
        #expect(output.contains("\(files.count) files by"))
    }
}
