import TensorCore

/// Element type of a tensor inside the engine. Runtime tensors are always `float`; `int` tensors
/// (int64, int32 and bool in the file) exist only as constants: shapes, indices, axes.
public enum ElementType: String, Sendable, Equatable {
    case float
    case int
}

/// An integer tensor (shape arithmetic, indices), row-major.
public struct IntTensor: Sendable, Equatable {
    public var shape: [Int]
    public var values: [Int]
    public init(shape: [Int], values: [Int]) {
        precondition(Tensor.elementCount(shape) == values.count, "IntTensor: shape \(shape) needs \(Tensor.elementCount(shape)) values, got \(values.count)")
        self.shape = shape
        self.values = values
    }
    public init(vector: [Int]) { self.init(shape: [vector.count], values: vector) }
}

/// A constant known at load or plan time.
public enum ConstantValue: Sendable, Equatable {
    case float(Tensor)
    case int(IntTensor)

    public var shape: [Int] {
        switch self {
        case .float(let t): return t.shape
        case .int(let t): return t.shape
        }
    }
    public var elementType: ElementType {
        switch self {
        case .float: return .float
        case .int: return .int
        }
    }
    /// Values as integers (floats are truncated toward zero, as Cast does).
    public var intValues: [Int] {
        switch self {
        case .float(let t): return t.storage.map { Int($0) }
        case .int(let t): return t.values
        }
    }
    /// Values as floats.
    public var floatValues: [Float] {
        switch self {
        case .float(let t): return t.storage
        case .int(let t): return t.values.map { Float($0) }
        }
    }
    public var asFloatTensor: Tensor { Tensor(shape: shape, storage: floatValues) }
    public var asIntTensor: IntTensor { IntTensor(shape: shape, values: intValues) }
}

/// A node attribute, decoded from `AttributeProto`.
public enum AttributeValue: Sendable, Equatable {
    case int(Int)
    case float(Float)
    case string(String)
    case ints([Int])
    case floats([Float])
    case strings([String])
    case tensor(ConstantValue)
    /// Graph-valued or other attributes that no supported operator reads.
    case unsupported(String)
}

/// One operator application.
public struct Node: Sendable, Equatable {
    public var name: String
    public var op: String
    public var domain: String
    /// Input tensor names; an empty string marks an omitted optional input.
    public var inputs: [String]
    public var outputs: [String]
    public var attributes: [String: AttributeValue]
}

/// A declared graph input or output.
public struct ValueInfo: Sendable, Equatable {
    public var name: String
    public var elementType: ElementType
    /// Declared extent per axis; `nil` for a symbolic or unknown extent (e.g. a dynamic batch axis).
    public var shape: [Int?]?
    /// Symbolic names of dynamic axes, where the file gives them.
    public var symbols: [String?]
}
