import Foundation
import ONNXProto
import TensorCore

/// What a model file contains, read without requiring that Vigil can run it: `vigil model info`.
///
/// ```swift
/// let info = try ModelInspection(contentsOf: url)
/// print(info.unsupportedOperators, info.loadError ?? "loads and plans")
/// ```
public struct ModelInspection: Sendable {
    public var path: String
    public var producer: String
    public var irVersion: Int
    public var opset: Int?
    public var inputs: [ValueInfo]
    public var outputs: [ValueInfo]
    /// Nodes per operator type (domain-qualified when not the default domain).
    public var operatorCounts: [String: Int]
    /// Operator types Vigil does not implement.
    public var unsupportedOperators: [String]
    /// Float parameters held in initializers.
    public var parameterCount: Int
    /// Why a full load fails, or nil when the model loads and plans for its declared shapes.
    public var loadError: String?
    /// The loaded model when `loadError` is nil.
    public var model: ONNXModel?

    /// Reads the file; throws only when it is not an ONNX model at all (unreadable, truncated, no graph).
    public init(contentsOf url: URL) throws {
        let proto = try ONNXModel.decode(try ONNXModel.readFile(url), path: url.path)
        path = url.path
        producer = [proto.producerName, proto.producerVersion].filter { !$0.isEmpty }.joined(separator: " ")
        irVersion = Int(proto.irVersion)
        opset = proto.opsetImport.first { $0.domain.isEmpty || $0.domain == "ai.onnx" }.map { Int($0.version) }
        let g = proto.graph
        let initNames = Set(g.initializer.map(\.name))
        inputs = g.input.filter { !initNames.contains($0.name) }.compactMap { try? ProtoConversion.valueInfo($0) }
        outputs = g.output.compactMap { try? ProtoConversion.valueInfo($0) }
        var counts: [String: Int] = [:]
        var unsupported: [String] = []
        for n in g.node {
            let domain = n.domain == "ai.onnx" ? "" : n.domain
            let key = domain.isEmpty ? n.opType : "\(domain)::\(n.opType)"
            counts[key, default: 0] += 1
            if (!domain.isEmpty || !OperatorSet.supported.contains(n.opType)) && !unsupported.contains(key) {
                unsupported.append(key)
            }
        }
        operatorCounts = counts
        unsupportedOperators = unsupported
        parameterCount = g.initializer.filter { $0.dataType == 1 || $0.dataType == 11 || $0.dataType == 10 }
            .reduce(0) { $0 + Tensor.elementCount($1.dims.map { Int($0) }) }
        do {
            model = try ONNXModel(proto: proto, path: url.path)
            loadError = nil
        } catch {
            model = nil
            loadError = "\(error)"
        }
    }
}
