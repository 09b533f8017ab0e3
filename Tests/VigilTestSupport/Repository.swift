import Foundation

/// The repository's folders as the tests see them: this file is Tests/VigilTestSupport/Repository.swift, so the
/// root is three levels up. One definition instead of a `#filePath` walk in every test target.
public enum Repository {
    /// The repository root (the folder holding Package.swift).
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// SampleData/ (small real and synthetic inputs shipped with the repository).
    public static let sampleData = root.appendingPathComponent("SampleData")

    /// SampleData/ecg/.
    public static let sampleECG = sampleData.appendingPathComponent("ecg")

    /// SampleData/ct/.
    public static let sampleCT = sampleData.appendingPathComponent("ct")

    /// Models/ (the shipped model folders).
    public static let models = root.appendingPathComponent("Models")

    /// A path below the repository root, e.g. `Repository.file("Models/ecg-af/model.card.json")`.
    public static func file(_ relativePath: String) -> URL { root.appendingPathComponent(relativePath) }
}

/// A fresh folder under the system's temporary directory (`PREFIX-UUID`), created at init; `remove()` deletes it
/// and everything in it (call it in a `defer`).
public struct TemporaryFolder: Sendable {
    /// The folder.
    public let url: URL

    /// Creates `<tmp>/<prefix>-<UUID>`.
    public init(_ prefix: String = "vigil-test") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// A path inside the folder (not created).
    public func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    /// Deletes the folder; a folder already gone is not an error.
    public func remove() { try? FileManager.default.removeItem(at: url) }
}
