import Foundation
import Randomness
import Testing
@testable import TensorCore

// Loader for the reference fixtures in Tests/TensorCoreTests/Fixtures/<family>.json, written by
// Tools/fixtures/make_kernel_fixtures.py (NumPy references, cross-checked against onnxruntime).
//
// Format: {"kernel", "generator", "cases": [{"name", "op", "attrs", "inputs": [...], "outputs": [...]}]};
// a tensor is {"name", "shape", "data"} plus "dtype": "int64" for integer inputs (axes, pads, indices...).
//
// Tolerance statement: the kernels are compared with `absTol + relTol · |expected|`, both 1e-5
// (`Tolerance.kernel`), unless a test says why it needs more.

/// The default comparison tolerance for the float32 kernels against float64-computed references.
enum Tolerance {
    static let abs: Float = 1e-5
    static let rel: Float = 1e-5
}

/// An ONNX attribute value as written in a fixture.
enum AttrValue: Decodable, Equatable, Sendable {
    case int(Int)
    case float(Double)
    case ints([Int])
    case floats([Double])
    case string(String)

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let v = try? c.decode(Int.self) { self = .int(v) }
        else if let v = try? c.decode(Double.self) { self = .float(v) }
        else if let v = try? c.decode([Int].self) { self = .ints(v) }
        else if let v = try? c.decode([Double].self) { self = .floats(v) }
        else { self = .string(try c.decode(String.self)) }
    }

    /// The value as one integer (an integral float counts).
    var intValue: Int? {
        switch self {
        case .int(let v): return v
        case .float(let v): return v == v.rounded() ? Int(v) : nil
        default: return nil
        }
    }

    /// The value as one float (JSON may spell `1.0` as an integer).
    var floatValue: Float? {
        switch self {
        case .int(let v): return Float(v)
        case .float(let v): return Float(v)
        default: return nil
        }
    }

    var intsValue: [Int]? {
        switch self {
        case .ints(let v): return v
        case .floats(let v): return v.allSatisfy { $0 == $0.rounded() } ? v.map { Int($0) } : nil
        default: return nil
        }
    }

    var floatsValue: [Float]? {
        switch self {
        case .ints(let v): return v.map { Float($0) }
        case .floats(let v): return v.map { Float($0) }
        default: return nil
        }
    }

    var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
}

/// One named tensor of a fixture case: float32 data, or int64 data for integer inputs.
struct FixtureTensor: Decodable, Sendable {
    let name: String
    let shape: [Int]
    let isInteger: Bool
    let floats: [Float]
    let ints: [Int]

    private enum Keys: String, CodingKey { case name, shape, dtype, data }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        name = try c.decode(String.self, forKey: .name)
        shape = try c.decode([Int].self, forKey: .shape)
        let dtype = try c.decodeIfPresent(String.self, forKey: .dtype) ?? "float32"
        isInteger = dtype == "int64"
        if isInteger {
            ints = try c.decode([Int].self, forKey: .data)
            floats = ints.map { Float($0) }
        } else {
            floats = try c.decode([Double].self, forKey: .data).map { Float($0) }
            ints = []
        }
    }

    var tensor: Tensor { Tensor(shape: shape, storage: floats) }
}

/// One case: an ONNX op with attributes, its inputs and the reference outputs.
struct FixtureCase: Decodable, Sendable, CustomTestStringConvertible {
    let name: String
    let op: String
    let attrs: [String: AttrValue]
    let inputs: [FixtureTensor]
    let outputs: [FixtureTensor]
    /// Family the case came from (set by the loader).
    var family: String = ""
    /// Set instead of data when the fixture file could not be read; tests fail on it via `loaded()`.
    var loadError: String? = nil

    private enum Keys: String, CodingKey { case name, op, attrs, inputs, outputs }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        name = try c.decode(String.self, forKey: .name)
        op = try c.decodeIfPresent(String.self, forKey: .op) ?? ""
        attrs = try c.decodeIfPresent([String: AttrValue].self, forKey: .attrs) ?? [:]
        inputs = try c.decode([FixtureTensor].self, forKey: .inputs)
        outputs = try c.decode([FixtureTensor].self, forKey: .outputs)
    }

    init(failed family: String, error: String) {
        name = "\(family): load error"; op = ""; attrs = [:]; inputs = []; outputs = []
        self.family = family; loadError = error
    }

    var testDescription: String { "\(family)/\(name)" }

    /// Fails the current test (and stops it) when the fixture file did not load.
    func loaded(sourceLocation: SourceLocation = #_sourceLocation) throws {
        try #require(loadError == nil, Comment(rawValue: loadError ?? ""), sourceLocation: sourceLocation)
    }

    func has(_ input: String) -> Bool { inputs.contains { $0.name == input } }

    /// The float input `name`; the test fails (throws) when absent.
    func input(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Tensor {
        try #require(inputs.first { $0.name == name }, "\(testDescription): no input \(name)", sourceLocation: sourceLocation).tensor
    }

    /// The integer input `name`, or nil when the case omits it (an optional ONNX input).
    func ints(_ name: String) -> [Int]? { inputs.first { $0.name == name && $0.isInteger }?.ints }

    /// The integer input's shape, or nil when absent.
    func shape(_ name: String) -> [Int]? { inputs.first { $0.name == name }?.shape }

    /// The first reference output.
    func expected(sourceLocation: SourceLocation = #_sourceLocation) throws -> Tensor {
        try #require(outputs.first, "\(testDescription): no outputs", sourceLocation: sourceLocation).tensor
    }

    func int(_ key: String, default d: Int) -> Int { attrs[key]?.intValue ?? d }
    func float(_ key: String, default d: Float) -> Float { attrs[key]?.floatValue ?? d }
    func ints(attr key: String) -> [Int]? { attrs[key]?.intsValue }
    func string(_ key: String, default d: String) -> String { attrs[key]?.stringValue ?? d }
}

/// A fixture case a test cannot interpret (unknown op or mode): thrown, so the case fails.
struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// A whole fixture file.
struct FixtureFile: Decodable {
    let kernel: String
    let generator: String
    let cases: [FixtureCase]
}

enum Fixtures {
    /// Tests/TensorCoreTests/Fixtures, found from this source file's path.
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// Every family the generator writes (each must exist and hold well-formed cases); conv, convtranspose,
    /// gemm and matmul are read by the convolution/GEMM tests.
    static let families = ["maxpool", "avgpool", "globalavgpool", "globalmaxpool", "softmax", "layernorm", "batchnorm",
                           "binary", "unary", "activations", "transpose", "concat", "slice", "gather", "pad", "resize",
                           "reduce", "conv", "convtranspose", "gemm", "matmul"]

    static func load(_ family: String) throws -> FixtureFile {
        let url = directory.appendingPathComponent("\(family).json")
        return try JSONDecoder().decode(FixtureFile.self, from: Data(contentsOf: url))
    }

    /// The cases of `family` (optionally only those whose op is in `ops`), for `@Test(arguments:)`.
    /// A file that fails to load yields one case carrying the error, so the test fails instead of running zero times.
    static func cases(_ family: String, ops: Set<String>? = nil) -> [FixtureCase] {
        do {
            let file = try load(family)
            let picked = file.cases.filter { ops == nil || ops!.contains($0.op) }.map { c -> FixtureCase in
                var c = c; c.family = family; return c
            }
            return picked.isEmpty ? [FixtureCase(failed: family, error: "no cases for ops \(ops ?? [])")] : picked
        } catch {
            return [FixtureCase(failed: family, error: "cannot load \(family).json from \(directory.path): \(error)")]
        }
    }
}

/// Expects `actual` to match `expected` in shape and element-wise within `absTol + relTol · |expected|`;
/// on failure reports how many elements are off and the worst one (flat and multi-index, both values).
func expectClose(_ actual: Tensor, _ expected: Tensor, absTol: Float = Tolerance.abs, relTol: Float = Tolerance.rel,
                 _ context: String, sourceLocation: SourceLocation = #_sourceLocation) {
    guard actual.shape == expected.shape else {
        Issue.record("\(context): shape \(actual.shape), expected \(expected.shape)", sourceLocation: sourceLocation)
        return
    }
    var bad = 0, worst = -1
    var worstExcess = -Float.infinity
    for i in 0..<expected.count {
        let a = actual.storage[i], e = expected.storage[i]
        if a == e { continue }   // also equal infinities
        let tol = absTol + relTol * abs(e)
        let d = abs(a - e)
        if !(d <= tol) {        // NaN fails too
            bad += 1
            let excess = d.isNaN ? .infinity : d - tol
            if worst < 0 || excess > worstExcess { worst = i; worstExcess = excess }
        }
    }
    var where_ = ""
    if worst >= 0 {
        var rem = worst
        var idx = [Int](repeating: 0, count: expected.rank)
        for k in stride(from: expected.rank - 1, through: 0, by: -1) { idx[k] = rem % expected.shape[k]; rem /= expected.shape[k] }
        let a = actual.storage[worst], e = expected.storage[worst]
        where_ = "worst at flat \(worst) index \(idx): got \(a), expected \(e), |diff| \(abs(a - e)) > \(absTol + relTol * abs(e))"
    }
    #expect(bad == 0, "\(context): \(bad) of \(expected.count) elements outside tolerance; \(where_)", sourceLocation: sourceLocation)
}

/// A deterministic pseudo-random tensor (SplitMix64-driven, values in [-2, 2)) for tests that build their own inputs.
func seededTensor(_ shape: [Int], seed: UInt64) -> Tensor {
    var rng = SplitMix64(seed: seed &+ 0x9E37_79B9_7F4A_7C15)
    let n = Tensor.elementCount(shape)
    var values = [Float](repeating: 0, count: n)
    for i in 0..<n { values[i] = Float(rng.next() >> 40) / Float(1 << 24) * 4 - 2 }
    return Tensor(shape: shape, storage: values)
}

@Suite struct FixtureLoaderTests {
    @Test(arguments: Fixtures.families)
    func familyLoadsAndIsConsistent(_ family: String) throws {
        let file = try Fixtures.load(family)
        #expect(file.kernel == family)
        #expect(file.generator == "Tools/fixtures/make_kernel_fixtures.py")
        #expect(!file.cases.isEmpty, "\(family) has no cases")
        #expect(Set(file.cases.map(\.name)).count == file.cases.count, "\(family): duplicate case names")
        for c in file.cases {
            #expect(!c.outputs.isEmpty, "\(family)/\(c.name): no outputs")
            for t in c.inputs + c.outputs {
                #expect(t.floats.count == Tensor.elementCount(t.shape), "\(family)/\(c.name)/\(t.name): \(t.floats.count) values for shape \(t.shape)")
            }
        }
    }

    @Test func attrValuesDecodeWithTheirTypes() throws {
        let json = #"{"a": 3, "b": 0.5, "c": [1, 2], "d": [0.25, 1.5], "e": "tanh", "f": 1.0}"#
        let attrs = try JSONDecoder().decode([String: AttrValue].self, from: Data(json.utf8))
        #expect(attrs["a"] == .int(3))
        #expect(attrs["b"] == .float(0.5))
        #expect(attrs["c"] == .ints([1, 2]))
        #expect(attrs["d"] == .floats([0.25, 1.5]))
        #expect(attrs["e"] == .string("tanh"))
        #expect(attrs["f"]?.floatValue == 1.0)
    }

    @Test func expectCloseMeasuresRelativeAndAbsoluteError() {
        let e = Tensor(shape: [3], storage: [1000, 1, 0])
        // Within 1e-5 + 1e-5·|e| everywhere: 1000 allows 0.01001.
        let near = Tensor(shape: [3], storage: [1000.009, 1.000019, 0.000009])
        expectClose(near, e, "near")
        // Outside: proven by counting recorded issues.
        withKnownIssue("deliberately outside tolerance") {
            expectClose(Tensor(shape: [3], storage: [1000.02, 1, 0]), e, "far")
        }
        withKnownIssue("NaN never matches") {
            expectClose(Tensor(shape: [3], storage: [.nan, 1, 0]), e, "nan")
        }
    }
}
