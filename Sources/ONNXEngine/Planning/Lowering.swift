import TensorCore

/// Where a float tensor lives while a plan runs.
enum TensorRef: Hashable {
    /// A constant (initializer or folded value) stored once per plan.
    case constant(Int)
    /// A runtime buffer in the plan's arena.
    case buffer(Int)
}

/// What an operator builder sees of one input.
struct Operand {
    var name: String
    var shape: [Int]
    var type: ElementType
    /// The value, when it is known at plan time.
    var constant: ConstantValue?
    /// Where float data lives at run time (nil for integer constants).
    var ref: TensorRef?

    var isConstant: Bool { constant != nil }
    var count: Int { Tensor.elementCount(shape) }
}

/// Pointers handed to a step when the plan is finalised: they stay valid for the plan's lifetime.
struct StepPointers {
    var inputs: [UnsafeMutablePointer<Float>?]
    var outputs: [UnsafeMutablePointer<Float>]
    var workspace: UnsafeMutablePointer<Float>?

    func input(_ i: Int) -> UnsafeMutablePointer<Float> { inputs[i]! }
    func optionalInput(_ i: Int) -> UnsafePointer<Float>? { i < inputs.count ? inputs[i].map { UnsafePointer($0) } : nil }
}

/// The result of lowering one node (or a fused chain of nodes) for concrete input shapes.
enum Lowering {
    /// Outputs known at plan time.
    case constant([ConstantValue])
    /// Output 0 is input 0's buffer seen with another shape (Reshape, Flatten, Squeeze, Identity…).
    case alias(shape: [Int])
    /// A kernel call. `make` receives the resolved pointers once and returns the closure run per inference.
    /// `inputs` lists which operands the kernel reads (indices into the node's operands, or extra operands
    /// appended by fusion) in the order `StepPointers.inputs` presents them.
    case compute(Compute)
}

struct Compute {
    var inputs: [Operand?]
    var outputShapes: [[Int]]
    var workspace: Int = 0
    /// Names of the tensors this step defines; defaults to the node's outputs. Fusion replaces them
    /// with the outputs of the last absorbed node.
    var outputNames: [String]? = nil
    /// Short description for `model info` and profiling.
    var label: String
    /// Floating-point operations of one run (multiply and add counted separately; 0 where negligible).
    var flops: Int = 0
    var make: (StepPointers) -> () -> Void
}

/// Planner services a builder may use: opset, graph look-ahead for fusion.
protocol PlanningContext {
    var opset: Int { get }
    /// The single node that reads `tensor`, when exactly one node (and no graph output) does.
    func soleConsumer(of tensor: String) -> (index: Int, node: Node)?
    /// Marks a later node as executed by the current step.
    func absorb(_ index: Int)
    /// The operand for a tensor name as currently planned (nil when not yet planned).
    func operand(named: String) -> Operand?
    /// True when the tensor is already computed at this point of the plan (graph input, constant or earlier step).
    func isAvailable(_ tensor: String) -> Bool
}

/// A function that lowers one ONNX node.
typealias OperatorBuilder = @Sendable (_ node: Node, _ inputs: [Operand?], _ context: PlanningContext) throws -> Lowering

// MARK: - Attribute access with errors that name the node

extension Node {
    func int(_ key: String, default value: Int? = nil) throws -> Int {
        switch attributes[key] {
        case .int(let v)?: return v
        case nil: if let value { return value }
            throw ONNXError.invalidNode(node: name, op: op, detail: "required attribute '\(key)' is missing")
        default: throw ONNXError.invalidNode(node: name, op: op, detail: "attribute '\(key)' must be an integer")
        }
    }
    func float(_ key: String, default value: Float) throws -> Float {
        switch attributes[key] {
        case .float(let v)?: return v
        case .int(let v)?: return Float(v)
        case nil: return value
        default: throw ONNXError.invalidNode(node: name, op: op, detail: "attribute '\(key)' must be a float")
        }
    }
    func ints(_ key: String) throws -> [Int]? {
        switch attributes[key] {
        case .ints(let v)?: return v
        case .int(let v)?: return [v]
        case nil: return nil
        default: throw ONNXError.invalidNode(node: name, op: op, detail: "attribute '\(key)' must be a list of integers")
        }
    }
    func floats(_ key: String) throws -> [Float]? {
        switch attributes[key] {
        case .floats(let v)?: return v
        case .float(let v)?: return [v]
        case nil: return nil
        default: throw ONNXError.invalidNode(node: name, op: op, detail: "attribute '\(key)' must be a list of floats")
        }
    }
    func string(_ key: String, default value: String) throws -> String {
        switch attributes[key] {
        case .string(let v)?: return v
        case nil: return value
        default: throw ONNXError.invalidNode(node: name, op: op, detail: "attribute '\(key)' must be a string")
        }
    }
    func unsupported(_ detail: String) -> ONNXError {
        .unsupportedFeature(node: name, op: op, detail: detail)
    }
    func invalid(_ detail: String) -> ONNXError {
        .invalidNode(node: name, op: op, detail: detail)
    }
}

// MARK: - Operand helpers

extension Array where Element == Operand? {
    /// The operand at `i`, which the operator requires.
    func required(_ i: Int, _ node: Node) throws -> Operand {
        guard i < count, let o = self[i] else {
            throw node.invalid("input \(i) is required but missing")
        }
        return o
    }
    /// The operand at `i` when present (optional inputs may be omitted or given as "").
    func optional(_ i: Int) -> Operand? { i < count ? self[i] : nil }
}

extension Operand {
    /// The integer values of a constant operand (shapes, axes, indices), or an error naming the node.
    func constantInts(_ node: Node, what: String) throws -> [Int] {
        guard let c = constant else {
            throw node.unsupported("\(what) ('\(name)') must be known when the model is planned, but it is computed from input data")
        }
        return c.intValues
    }
    func constantFloats(_ node: Node, what: String) throws -> [Float] {
        guard let c = constant else {
            throw node.unsupported("\(what) ('\(name)') must be known when the model is planned, but it is computed from input data")
        }
        return c.floatValues
    }
    /// Requires a float tensor.
    func requireFloat(_ node: Node) throws -> Operand {
        if type != .float { throw node.unsupported("input '\(name)' is an integer tensor computed from input data; only float tensors are computed at run time") }
        return self
    }
}

/// Normalises a possibly negative axis for `rank`, or throws naming the node.
func normalizedAxis(_ axis: Int, rank: Int, _ node: Node) throws -> Int {
    let a = axis < 0 ? axis + rank : axis
    guard a >= 0 && a < Swift.max(rank, 1) else {
        throw node.invalid("axis \(axis) is out of range for rank \(rank)")
    }
    return a
}

// MARK: - Size limits

/// The largest tensor a plan may hold: 2^28 float32 elements (1 GiB). A 512³ CT volume is 2^27.
/// Larger claims come from corrupt files or hostile models and are refused before anything is allocated.
let maximumTensorElements = 1 << 28

/// The element count of `shape`, or an error naming `what` when an extent is negative, the product
/// overflows, or it exceeds `maximumTensorElements`.
func checkedElementCount(_ shape: [Int], _ what: @autoclosure () -> String) throws -> Int {
    var n = 1
    for d in shape {
        guard d >= 0 else { throw ONNXError.invalidGraph("\(what()): negative extent in shape \(shape)") }
        let (p, overflow) = n.multipliedReportingOverflow(by: d)
        guard !overflow, p <= maximumTensorElements || d == 0 else {
            throw ONNXError.invalidGraph("\(what()): shape \(shape) exceeds the limit of \(maximumTensorElements) elements per tensor")
        }
        n = p
    }
    return n
}

/// Checks that every value of an integer attribute lies in `range` (kernel sizes, strides, pads…), so
/// that arithmetic on corrupt values can neither overflow nor allocate absurdly.
func checkRange(_ values: [Int], _ range: ClosedRange<Int>, _ what: String, _ node: Node) throws {
    if let bad = values.first(where: { !range.contains($0) }) {
        throw node.invalid("\(what) \(bad) is outside \(range.lowerBound)…\(range.upperBound)")
    }
}
