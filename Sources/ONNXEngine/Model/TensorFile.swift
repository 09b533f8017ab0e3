import Foundation
import ONNXProto
import SwiftProtobuf
import TensorCore

/// Reads a serialized ONNX `TensorProto` (`.pb`), the layout of ONNX test data sets
/// (`test_data_set_0/input_0.pb`, `output_0.pb`).
///
/// ```swift
/// let (name, value) = try ONNXTensorFile.read(URL(fileURLWithPath: "input_0.pb"))
/// ```
public enum ONNXTensorFile {
    /// The tensor's name (as stored) and its value.
    public static func read(_ url: URL) throws -> (name: String, value: ConstantValue) {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ONNXError.unreadableFile(path: url.path, reason: (error as NSError).localizedDescription)
        }
        let proto: Onnx_TensorProto
        do { proto = try Onnx_TensorProto(serializedBytes: data) } catch {
            throw ONNXError.malformedModel(path: url.path, reason: "not a serialized TensorProto (\(error))")
        }
        return (proto.name, try ProtoConversion.constant(from: proto))
    }
}
