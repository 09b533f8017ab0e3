import TensorCore

/// The ONNX operators Vigil implements (default domain), and the builder that lowers each one.
public enum OperatorSet {
    /// Names of supported operators.
    public static var supported: Set<String> { Set(builders.keys) }

    static let builders: [String: OperatorBuilder] = [
        // Convolution and products
        "Conv": ConvOperators.conv,
        "ConvTranspose": ConvOperators.convTranspose,
        "Gemm": MathOperators.gemm,
        "MatMul": MathOperators.matmul,
        // Element-wise arithmetic
        "Add": MathOperators.binary(.add),
        "Sub": MathOperators.binary(.sub),
        "Mul": MathOperators.binary(.mul),
        "Div": MathOperators.binary(.div),
        "Pow": MathOperators.binary(.pow),
        "Max": MathOperators.binary(.max),
        "Min": MathOperators.binary(.min),
        "Sqrt": MathOperators.unary(.sqrt),
        "Exp": MathOperators.unary(.exp),
        "Log": MathOperators.unary(.log),
        "Erf": MathOperators.unary(.erf),
        "Neg": MathOperators.unary(.neg),
        "Abs": MathOperators.unary(.abs),
        "Reciprocal": MathOperators.unary(.reciprocal),
        "Floor": MathOperators.unary(.floor),
        "Ceil": MathOperators.unary(.ceil),
        // Activations
        "Relu": MathOperators.relu,
        "LeakyRelu": MathOperators.leakyRelu,
        "Sigmoid": MathOperators.sigmoid,
        "Tanh": MathOperators.tanh,
        "Gelu": MathOperators.gelu,
        "Clip": MathOperators.clip,
        "Softmax": MathOperators.softmax(log: false),
        "LogSoftmax": MathOperators.softmax(log: true),
        // Normalisation, pooling, reduction, resizing
        "BatchNormalization": PoolingOperators.batchNorm,
        "LayerNormalization": PoolingOperators.layerNorm,
        "MaxPool": PoolingOperators.pool(max: true),
        "AveragePool": PoolingOperators.pool(max: false),
        "GlobalAveragePool": PoolingOperators.globalPool(max: false),
        "GlobalMaxPool": PoolingOperators.globalPool(max: true),
        "ReduceMean": PoolingOperators.reduce(.mean),
        "ReduceSum": PoolingOperators.reduce(.sum),
        "ReduceMax": PoolingOperators.reduce(.max),
        "Resize": PoolingOperators.resize,
        // Data movement and shape arithmetic
        "Identity": ShapeOperators.identity,
        "Dropout": ShapeOperators.dropout,
        "Reshape": ShapeOperators.reshape,
        "Flatten": ShapeOperators.flatten,
        "Squeeze": ShapeOperators.squeeze,
        "Unsqueeze": ShapeOperators.unsqueeze,
        "Transpose": ShapeOperators.transpose,
        "Concat": ShapeOperators.concat,
        "Pad": ShapeOperators.pad,
        "Shape": ShapeOperators.shape,
        "Size": ShapeOperators.size,
        "Gather": ShapeOperators.gather,
        "Slice": ShapeOperators.slice,
        "Expand": ShapeOperators.expand,
        "Cast": ShapeOperators.cast,
        "Constant": ShapeOperators.constant,
        "ConstantOfShape": ShapeOperators.constantOfShape,
        "Range": ShapeOperators.range,
        "Equal": ShapeOperators.compare { $0 == $1 },
        "Less": ShapeOperators.compare { $0 < $1 },
        "Greater": ShapeOperators.compare { $0 > $1 },
        "Not": ShapeOperators.not,
        "Where": ShapeOperators.where,
    ]
}
