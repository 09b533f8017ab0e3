/// Errors from loading, planning or running an ONNX model. Each case names the file, node or tensor
/// and the defect, so that a team checking its exported model knows what to change.
public enum ONNXError: Error, Equatable, CustomStringConvertible {
    /// The file could not be read from disk.
    case unreadableFile(path: String, reason: String)
    /// The bytes are not a complete ONNX ModelProto (truncated, not protobuf, or not ONNX).
    case malformedModel(path: String, reason: String)
    /// The model uses operators Vigil does not implement; every one is listed with the first node using it.
    case unsupportedOperators([UnsupportedOperator], path: String)
    /// The default-domain opset is outside the supported range.
    case unsupportedOpset(version: Int, supported: ClosedRange<Int>, path: String)
    /// A supported operator is used with an attribute value or input Vigil does not implement.
    case unsupportedFeature(node: String, op: String, detail: String)
    /// A tensor element type other than the supported ones.
    case unsupportedDataType(tensor: String, dataType: Int)
    /// Structural defect: a node reads a tensor nothing produces, a cycle, duplicate outputs, missing data.
    case invalidGraph(String)
    /// Shapes or values that do not fit the operator's definition.
    case invalidNode(node: String, op: String, detail: String)
    /// A caller's input is missing, unknown, or of the wrong shape.
    case invalidInput(String)

    /// One unsupported operator and where it first appears.
    public struct UnsupportedOperator: Equatable, Sendable, CustomStringConvertible {
        public var op: String
        public var domain: String
        public var node: String
        public var description: String {
            "\(domain.isEmpty || domain == "ai.onnx" ? "" : domain + "::")\(op) (first used by node '\(node)')"
        }
    }

    public var description: String {
        switch self {
        case .unreadableFile(let path, let reason):
            return "\(path): cannot read the file: \(reason)"
        case .malformedModel(let path, let reason):
            return "\(path): not a valid ONNX model: \(reason)"
        case .unsupportedOperators(let ops, let path):
            return "\(path): unsupported ONNX operator\(ops.count == 1 ? "" : "s"): "
                + ops.map(\.description).joined(separator: ", ")
        case .unsupportedOpset(let v, let r, let path):
            return "\(path): default-domain opset \(v) is not supported (supported: \(r.lowerBound)–\(r.upperBound))"
        case .unsupportedFeature(let node, let op, let detail):
            return "node '\(node)' (\(op)): not supported: \(detail)"
        case .unsupportedDataType(let tensor, let dt):
            return "tensor '\(tensor)': element type \(ONNXError.dataTypeName(dt)) is not supported (float32, and int64/int32/bool for shapes)"
        case .invalidGraph(let detail):
            return "invalid graph: \(detail)"
        case .invalidNode(let node, let op, let detail):
            return "node '\(node)' (\(op)): \(detail)"
        case .invalidInput(let detail):
            return "invalid input: \(detail)"
        }
    }

    static func dataTypeName(_ t: Int) -> String {
        let names = [1: "float32", 2: "uint8", 3: "int8", 4: "uint16", 5: "int16", 6: "int32", 7: "int64",
                     8: "string", 9: "bool", 10: "float16", 11: "float64", 12: "uint32", 13: "uint64",
                     14: "complex64", 15: "complex128", 16: "bfloat16"]
        return names[t] ?? "type \(t)"
    }
}
