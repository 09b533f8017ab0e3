import Foundation
import Testing

/// The CLI is a thin shell over the libraries (issue 12): it constructs no detector and names no detector id
/// (the registry is the only door), it imports only the modules listed here — each one a library the commands
/// call — and the manifest declares exactly those as its dependencies. Read from the sources, so a new import or a
/// detector built in a command fails here, not in review.
@Suite struct CLIShellTests {
    static let sources = VigilBinary.root.appendingPathComponent("Sources/vigil")

    /// The project's modules the CLI may import: 6 of the project's 43 library targets (28 before issue 12 moved the
    /// benchmarks, evaluations, exports, CT scoring and the server wiring into libraries; 19 before the jobs moved into
    /// VigilJobs). Issue 12 caps the list at 10.
    static let allowed: Set<String> = ["DetectorKit", "DetectorCatalog", "CTScoring", "VigilBench", "VigilDoctor", "VigilJobs"]
    /// Packages the CLI uses besides the project's own modules.
    static let external: Set<String> = ["ArgumentParser", "Foundation", "FoundationNetworking", "Logging", "Glibc", "Synchronization"]

    static func files() throws -> [(name: String, text: String)] {
        try FileManager.default.contentsOfDirectory(atPath: sources.path).filter { $0.hasSuffix(".swift") }.sorted().map {
            ($0, try String(contentsOf: sources.appendingPathComponent($0), encoding: .utf8))
        }
    }

    static func imports(_ text: String) -> [String] {
        text.split(separator: "\n").compactMap { line -> String? in
            let t = line.trimmingCharacters(in: .whitespaces)
            guard t.hasPrefix("import ") else { return nil }
            return t.dropFirst("import ".count).split(separator: " ").first.map(String.init)
        }
    }

    @Test func theCLIImportsOnlyTheListedModulesAndTheManifestDeclaresThem() throws {
        var used = Set<String>()
        for (name, text) in try Self.files() {
            for module in Self.imports(text) where !Self.external.contains(module) {
                #expect(Self.allowed.contains(module), "\(name) imports \(module): move the work into a library the CLI calls")
                used.insert(module)
            }
        }
        #expect(Self.allowed.count <= 10, "issue 12: the CLI imports at most 10 of the project's modules")
        #expect(used == Self.allowed, "listed but not imported: \(Self.allowed.subtracting(used).sorted())")
        // The manifest's last word on the CLI's dependencies: the block after "The CLI is a thin shell".
        let manifest = try String(contentsOf: VigilBinary.root.appendingPathComponent("Package.swift"), encoding: .utf8)
        let block = try #require(manifest.range(of: "// MARK: The CLI is a thin shell").map { String(manifest[$0.upperBound...]) })
        let declared = Set(block.matches(of: /"([A-Za-z]+)"/).map { String($0.1) })
            .subtracting(["swift-argument-parser", "swift-log", "vigil", "ArgumentParser", "Logging"])
        #expect(declared == Self.allowed, "Package.swift declares \(declared.symmetricDifference(Self.allowed).sorted()) differently")
    }

    @Test func theCLIConstructsNoDetectorAndNamesNoDetectorID() throws {
        let ids = ["ecg-rhythm", "ecg-cnn", "ecg-af", "ct-pancreas"]
        for (name, text) in try Self.files() {
            for line in text.split(separator: "\n") where !line.trimmingCharacters(in: .whitespaces).hasPrefix("//") {
                #expect(line.firstMatch(of: /\b[A-Z][A-Za-z]*Detector\(/) == nil, "\(name): \(line)")
                #expect(!line.contains("detector(id:"), "\(name): \(line)")
                for id in ids { #expect(!line.contains("\"\(id)\""), "\(name) names detector \(id): \(line)") }
            }
        }
    }
}
