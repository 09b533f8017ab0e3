import Foundation
import Synchronization
import ONNXProto
import SwiftProtobuf
import TensorCore

/// A parsed, validated ONNX model: graph, constants and declared inputs/outputs. Immutable and shareable
/// across threads; run it through an `InferenceSession`.
///
/// ```swift
/// let model = try ONNXModel(contentsOf: URL(fileURLWithPath: "Models/test/ecg_resnet1d.onnx"))
/// let session = try InferenceSession(model: model)
/// let outputs = try session.run(["ecg": x])
/// ```
///
/// Loading fails with an `ONNXError` that names the defect: a truncated or non-ONNX file, operators
/// outside the supported set (all of them listed), an opset outside 11–22, non-float inputs, external
/// data files, or a graph whose nodes read tensors that nothing produces. Loading also plans the model
/// once for its declared input shapes (dynamic axes taken as 1), so attribute values Vigil does not
/// implement are reported here and not at run time.
public struct ONNXModel: Sendable {
    /// Opsets of the default domain this engine accepts. Operator forms that changed across these
    /// versions (axes as attribute or input, Clip/Pad attributes or inputs, Softmax's flattening before 13)
    /// are all handled.
    public static let supportedOpsets: ClosedRange<Int> = 11...22

    /// Where the model came from (for messages).
    public let path: String
    public let irVersion: Int
    /// Default-domain opset version.
    public let opset: Int
    public let producer: String
    /// Declared graph inputs that are not initializers, in file order.
    public let inputs: [ValueInfo]
    /// Declared graph outputs, in file order.
    public let outputs: [ValueInfo]
    /// Nodes in a valid execution (topological) order.
    public let nodes: [Node]
    /// Initializers and other constants of the graph, by tensor name.
    public let initializers: [String: ConstantValue]
    /// `nodes` after pattern rewrites (GraphRewrites): what the planner lowers.
    let executionNodes: [Node]
    /// The plan made at load time for the declared shapes, until the first session takes it.
    private let loadPlan = PlanHandover()

    /// Loads and validates the model stored at `url`.
    public init(contentsOf url: URL) throws {
        try self.init(serializedData: try ONNXModel.readFile(url), path: url.path)
    }

    /// The file's bytes, or `ONNXError.unreadableFile` naming it.
    static func readFile(_ url: URL) throws -> Data {
        do {
            return try Data(contentsOf: url)
        } catch {
            throw ONNXError.unreadableFile(path: url.path, reason: (error as NSError).localizedDescription)
        }
    }

    /// Parses and validates a serialized ModelProto; `path` is used in messages only.
    public init(serializedData data: Data, path: String = "<memory>") throws {
        try self.init(proto: try ONNXModel.decode(data, path: path), path: path)
    }

    /// Decodes the protobuf, turning decoder failures into `ONNXError.malformedModel` with a readable reason.
    static func decode(_ data: Data, path: String) throws -> Onnx_ModelProto {
        if data.isEmpty { throw ONNXError.malformedModel(path: path, reason: "the file is empty") }
        do {
            return try Onnx_ModelProto(serializedBytes: data)
        } catch let e as BinaryDecodingError {
            let reason: String
            switch e {
            case .truncated: reason = "the protobuf data is truncated (the file ends in the middle of a field; was it cut short while copying?)"
            case .malformedProtobuf: reason = "the bytes are not a valid protobuf message"
            case .invalidUTF8: reason = "a string field is not valid UTF-8"
            case .missingRequiredFields: reason = "required fields are missing"
            default: reason = "protobuf decoding failed (\(e))"
            }
            throw ONNXError.malformedModel(path: path, reason: reason)
        } catch {
            throw ONNXError.malformedModel(path: path, reason: "protobuf decoding failed (\(error))")
        }
    }

    /// Validates a decoded model (see the type's documentation).
    init(proto: Onnx_ModelProto, path: String) throws {
        guard proto.hasGraph, !proto.graph.node.isEmpty || !proto.graph.output.isEmpty else {
            throw ONNXError.malformedModel(path: path, reason: "it has no graph (is this an ONNX model file?)")
        }
        let defaultOpset = proto.opsetImport.first { $0.domain.isEmpty || $0.domain == "ai.onnx" }
        guard let defaultOpset else {
            throw ONNXError.malformedModel(path: path, reason: "it declares no opset for the default ONNX domain")
        }
        let opset = Int(defaultOpset.version)
        guard ONNXModel.supportedOpsets.contains(opset) else {
            throw ONNXError.unsupportedOpset(version: opset, supported: ONNXModel.supportedOpsets, path: path)
        }
        self.path = path
        self.irVersion = Int(proto.irVersion)
        self.opset = opset
        self.producer = [proto.producerName, proto.producerVersion].filter { !$0.isEmpty }.joined(separator: " ")

        let graph = proto.graph
        var initializers: [String: ConstantValue] = [:]
        for t in graph.initializer {
            initializers[t.name] = try ProtoConversion.constant(from: t)
        }
        if let sparse = graph.sparseInitializer.first {
            throw ONNXError.unsupportedFeature(node: sparse.values.name, op: "initializer", detail: "sparse initializers")
        }
        var nodes: [Node] = []
        var unsupported: [ONNXError.UnsupportedOperator] = []
        for (i, n) in graph.node.enumerated() {
            let name = n.name.isEmpty ? "\(n.opType)_\(i)" : n.name
            let domain = n.domain == "ai.onnx" ? "" : n.domain
            if !domain.isEmpty || !OperatorSet.supported.contains(n.opType) {
                if !unsupported.contains(where: { $0.op == n.opType && $0.domain == domain }) {
                    unsupported.append(.init(op: n.opType, domain: domain, node: name))
                }
            }
            var attributes: [String: AttributeValue] = [:]
            for a in n.attribute { attributes[a.name] = try ProtoConversion.attribute(a, node: name) }
            nodes.append(Node(name: name, op: n.opType, domain: domain, inputs: n.input, outputs: n.output,
                              attributes: attributes))
        }
        if !unsupported.isEmpty { throw ONNXError.unsupportedOperators(unsupported, path: path) }

        self.inputs = try graph.input.filter { initializers[$0.name] == nil }.map { try ProtoConversion.valueInfo($0) }
        self.outputs = try graph.output.map { try ProtoConversion.valueInfo($0) }
        for input in inputs where input.elementType != .float {
            throw ONNXError.unsupportedFeature(node: input.name, op: "graph input",
                                               detail: "graph inputs must be float32 tensors")
        }
        self.nodes = try ONNXModel.topologicallySorted(nodes, available: Set(inputs.map(\.name)).union(initializers.keys))
        self.initializers = initializers
        self.executionNodes = GraphRewrites.apply(self.nodes, initializers: initializers,
                                                  graphOutputs: Set(outputs.map(\.name)))
        let produced = Set(self.nodes.flatMap(\.outputs)).union(inputs.map(\.name)).union(initializers.keys)
        for o in outputs where !produced.contains(o.name) {
            throw ONNXError.invalidGraph("graph output '\(o.name)' is produced by no node")
        }
        // Plan once for the declared shapes so that every unsupported attribute surfaces at load time; the first
        // session over this model takes that plan instead of making it again.
        loadPlan.put(try ExecutionPlan(model: self, inputShapes: defaultInputShapes()))
    }

    /// Input shapes with every dynamic extent set to `dynamicExtent` (1 by default).
    public func defaultInputShapes(dynamicExtent: Int = 1) -> [String: [Int]] {
        var shapes: [String: [Int]] = [:]
        for i in inputs {
            shapes[i.name] = (i.shape ?? []).map { $0 ?? dynamicExtent }
        }
        return shapes
    }

    /// Number of nodes per operator type.
    public var operatorCounts: [String: Int] {
        nodes.reduce(into: [:]) { $0[$1.op, default: 0] += 1 }
    }

    /// Number of float parameters held in initializers.
    public var parameterCount: Int {
        initializers.values.reduce(0) { $0 + ($1.elementType == .float ? Tensor.elementCount($1.shape) : 0) }
    }

    static func topologicallySorted(_ nodes: [Node], available initial: Set<String>) throws -> [Node] {
        var available = initial
        available.insert("")
        var producers: [String: Int] = [:]
        for (i, n) in nodes.enumerated() {
            for o in n.outputs where !o.isEmpty {
                if producers[o] != nil || initial.contains(o) {
                    throw ONNXError.invalidGraph("tensor '\(o)' is produced twice (node '\(n.name)')")
                }
                producers[o] = i
            }
        }
        for n in nodes {
            for input in n.inputs where !available.contains(input) && producers[input] == nil {
                throw ONNXError.invalidGraph("node '\(n.name)' (\(n.op)) reads tensor '\(input)', which no node, input or initializer provides")
            }
        }
        // Kahn's algorithm, stable with respect to file order.
        var done = [Bool](repeating: false, count: nodes.count)
        var sorted: [Node] = []
        sorted.reserveCapacity(nodes.count)
        var progress = true
        while sorted.count < nodes.count && progress {
            progress = false
            for (i, n) in nodes.enumerated() where !done[i] {
                if n.inputs.allSatisfy({ available.contains($0) }) {
                    done[i] = true
                    sorted.append(n)
                    n.outputs.forEach { available.insert($0) }
                    progress = true
                }
            }
        }
        if sorted.count < nodes.count {
            let stuck = nodes.indices.filter { !done[$0] }.map { nodes[$0].name }
            throw ONNXError.invalidGraph("the graph has a cycle through node(s) \(stuck.prefix(5).joined(separator: ", "))")
        }
        return sorted
    }
}

/// Conversion of protobuf messages into the engine's value types.
enum ProtoConversion {
    static func constant(from t: Onnx_TensorProto) throws -> ConstantValue {
        let name = t.name
        if t.dataLocation == .external || !t.externalData.isEmpty {
            throw ONNXError.unsupportedFeature(node: name, op: "initializer",
                                               detail: "tensor data in an external file; save the model with all tensors inside the .onnx file")
        }
        let shape = t.dims.map { Int($0) }
        let count = try checkedElementCount(shape, "tensor '\(name)'")
        let raw = t.hasRawData ? t.rawData : nil
        func checkCount(_ n: Int) throws {
            if n != count {
                throw ONNXError.invalidGraph("tensor '\(name)' of shape \(shape) needs \(count) values but holds \(n)")
            }
        }
        func fromRaw<T>(_ type: T.Type, _ data: Data) throws -> [T] {
            let size = MemoryLayout<T>.size
            try checkCount(data.count / size)
            if data.count % size != 0 { throw ONNXError.invalidGraph("tensor '\(name)': raw data length \(data.count) is not a multiple of \(size)") }
            return data.withUnsafeBytes { buf in
                (0..<count).map { buf.loadUnaligned(fromByteOffset: $0 * size, as: T.self) }
            }
        }
        switch Int(t.dataType) {
        case 1: // float32
            let values: [Float] = try raw.map { try fromRaw(Float.self, $0) } ?? { try checkCount(t.floatData.count); return t.floatData }()
            return .float(Tensor(shape: shape, storage: values))
        case 11: // float64, narrowed
            let values: [Double] = try raw.map { try fromRaw(Double.self, $0) } ?? { try checkCount(t.doubleData.count); return t.doubleData }()
            return .float(Tensor(shape: shape, storage: values.map { Float($0) }))
        case 10: // float16, widened
            let bits: [UInt16] = try raw.map { try fromRaw(UInt16.self, $0) } ?? { try checkCount(t.int32Data.count); return t.int32Data.map { UInt16(truncatingIfNeeded: $0) } }()
            return .float(Tensor(shape: shape, storage: bits.map(halfToFloat)))
        case 7: // int64
            let values: [Int64] = try raw.map { try fromRaw(Int64.self, $0) } ?? { try checkCount(t.int64Data.count); return t.int64Data }()
            return .int(IntTensor(shape: shape, values: values.map { Int($0) }))
        case 6: // int32
            let values: [Int32] = try raw.map { try fromRaw(Int32.self, $0) } ?? { try checkCount(t.int32Data.count); return t.int32Data }()
            return .int(IntTensor(shape: shape, values: values.map { Int($0) }))
        case 9, 2: // bool, uint8
            let values: [UInt8] = try raw.map { try fromRaw(UInt8.self, $0) } ?? { try checkCount(t.int32Data.count); return t.int32Data.map { UInt8(truncatingIfNeeded: $0) } }()
            return .int(IntTensor(shape: shape, values: values.map { Int($0) }))
        case 3: // int8
            let values: [Int8] = try raw.map { try fromRaw(Int8.self, $0) } ?? { try checkCount(t.int32Data.count); return t.int32Data.map { Int8(truncatingIfNeeded: $0) } }()
            return .int(IntTensor(shape: shape, values: values.map { Int($0) }))
        default:
            throw ONNXError.unsupportedDataType(tensor: name, dataType: Int(t.dataType))
        }
    }

    /// IEEE-754 binary16 bits to Float.
    static func halfToFloat(_ h: UInt16) -> Float {
        let sign = UInt32(h >> 15) << 31
        let exp = Int((h >> 10) & 0x1f)
        let frac = UInt32(h & 0x3ff)
        if exp == 0 {
            let v = Float(frac) * Float(pow(2.0, -24.0))
            return sign == 0 ? v : -v
        }
        if exp == 31 { return Float(bitPattern: sign | 0x7f80_0000 | (frac << 13)) }
        return Float(bitPattern: sign | UInt32(exp - 15 + 127) << 23 | (frac << 13))
    }

    static func attribute(_ a: Onnx_AttributeProto, node: String) throws -> AttributeValue {
        func string(_ d: Data) -> String { String(decoding: d, as: UTF8.self) }
        var type = a.type
        if type == .undefined {
            // Files from old exporters leave `type` unset; infer it from the field that is present.
            if a.hasF { type = .float } else if a.hasI { type = .int } else if a.hasS { type = .string }
            else if a.hasT { type = .tensor } else if !a.floats.isEmpty { type = .floats }
            else if !a.ints.isEmpty { type = .ints } else if !a.strings.isEmpty { type = .strings }
        }
        switch type {
        case .float: return .float(a.f)
        case .int: return .int(Int(a.i))
        case .string: return .string(string(a.s))
        case .floats: return .floats(a.floats)
        case .ints: return .ints(a.ints.map { Int($0) })
        case .strings: return .strings(a.strings.map(string))
        case .tensor: return .tensor(try constant(from: a.t))
        default: return .unsupported("\(type)")
        }
    }

    static func valueInfo(_ v: Onnx_ValueInfoProto) throws -> ValueInfo {
        guard case .tensorType(let tt)? = v.type.value else {
            throw ONNXError.unsupportedFeature(node: v.name, op: "graph value", detail: "only tensor-typed inputs and outputs are supported")
        }
        let et: ElementType
        switch Int(tt.elemType) {
        case 1, 10, 11: et = .float
        case 2, 3, 6, 7, 9: et = .int
        default: throw ONNXError.unsupportedDataType(tensor: v.name, dataType: Int(tt.elemType))
        }
        var shape: [Int?]? = nil
        var symbols: [String?] = []
        if tt.hasShape {
            _ = try checkedElementCount(tt.shape.dim.map { d in
                if case .dimValue(let x)? = d.value, x > 0 { return Int(x) }
                return 1
            }, "declared shape of '\(v.name)'")
            shape = tt.shape.dim.map { d in
                if case .dimValue(let x)? = d.value, x > 0 { return Int(x) }
                return nil
            }
            symbols = tt.shape.dim.map { d in
                if case .dimParam(let p)? = d.value { return p }
                return nil
            }
        }
        return ValueInfo(name: v.name, elementType: et, shape: shape, symbols: symbols)
    }
}

extension ONNXModel {
    /// The plan made when the model was loaded, once (nil afterwards, and for copies whose original gave it away).
    func takeLoadPlan() -> ExecutionPlan? { loadPlan.take() }
}

/// Hands the load-time plan to the first session over a model (and its copies), once.
final class PlanHandover: Sendable {
    /// The plan in transit. @unchecked: it is put once, by the model's initialiser before anyone can see the model,
    /// and taken once, under the lock, by one session, which then owns it alone.
    private struct Held: @unchecked Sendable { let plan: ExecutionPlan }
    private let lock = Mutex<Held?>(nil)
    func put(_ plan: ExecutionPlan) { let held = Held(plan: plan); lock.withLock { $0 = held } }
    func take() -> ExecutionPlan? { lock.withLock { $0.take()?.plan } }
}
