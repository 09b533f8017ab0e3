import TensorCore

/// Builds TensorCore tensors for the model runs (kept in one place so the rest of the module stays on
/// plain arrays).
enum TensorCoreBridge {
    static func tensor(shape: [Int], storage: [Float]) -> Tensor {
        Tensor(shape: shape, storage: storage)
    }
}
