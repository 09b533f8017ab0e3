import Foundation
import ONNXEngine
import TensorCore
import Testing
import VigilTestSupport

/// Locates committed fixtures next to this file.
enum TestData {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let repositoryRoot = Repository.root

    /// Sub-folders of `folder` (sorted), or an empty list when it does not exist.
    static func folders(in folder: URL) -> [URL] {
        let items = (try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: [.isDirectoryKey])) ?? []
        return items.filter { (try? $0.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// A data set folder's inputs and expected outputs, by tensor name (ONNX test-data layout).
    static func dataSet(_ folder: URL) throws -> (inputs: [String: Tensor], outputs: [(String, Tensor)]) {
        var inputs: [String: Tensor] = [:]
        var outputs: [(String, Tensor)] = []
        for i in 0... {
            let url = folder.appendingPathComponent("input_\(i).pb")
            guard FileManager.default.fileExists(atPath: url.path) else { break }
            let (name, value) = try ONNXTensorFile.read(url)
            inputs[name] = value.asFloatTensor
        }
        for i in 0... {
            let url = folder.appendingPathComponent("output_\(i).pb")
            guard FileManager.default.fileExists(atPath: url.path) else { break }
            let (name, value) = try ONNXTensorFile.read(url)
            outputs.append((name, value.asFloatTensor))
        }
        return (inputs, outputs)
    }

    /// Max-norm relative error ‖a − b‖∞ / max(‖b‖∞, floor): the parity metric of the issue (≤ 1e-4).
    static func relativeError(_ a: Tensor, _ b: Tensor, floor: Float = 1e-6) -> Float {
        a.maxAbsDifference(b) / max(b.storage.map(abs).max() ?? 0, floor)
    }
}
