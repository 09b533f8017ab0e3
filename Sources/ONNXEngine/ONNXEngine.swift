// ONNXEngine: loads ONNX models, plans them once, runs them on TensorCore. (work in progress)
import TensorCore
import ONNXProto
