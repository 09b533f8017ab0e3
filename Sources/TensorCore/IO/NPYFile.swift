import Foundation

/// Reads and writes NumPy `.npy` files (format versions 1.0–3.0), the exchange format of
/// `vigil model run` and of reference fixtures.
///
/// ```swift
/// let x = try NPYFile.read(URL(fileURLWithPath: "in.npy"))       // any numeric dtype → Float32
/// try NPYFile.write(y, to: URL(fileURLWithPath: "out.npy"))       // '<f4', C order
/// ```
///
/// Reading accepts little- and big-endian float32/float64 and integer dtypes (converted to Float32,
/// float64 rounded to nearest) in C order. Fortran-ordered arrays, object arrays and truncated files are
/// refused with an `NPYError` naming the file and the defect.
public enum NPYFile {
    /// Errors that name the file and what is wrong with it.
    public enum NPYError: Error, CustomStringConvertible, Equatable {
        case unreadable(path: String, reason: String)
        case malformed(path: String, reason: String)
        case unsupported(path: String, reason: String)

        public var description: String {
            switch self {
            case .unreadable(let p, let r): return "\(p): cannot read: \(r)"
            case .malformed(let p, let r): return "\(p): not a valid .npy file: \(r)"
            case .unsupported(let p, let r): return "\(p): unsupported .npy content: \(r)"
            }
        }
    }

    /// Reads an array as a Float32 tensor.
    public static func read(_ url: URL) throws -> Tensor {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw NPYError.unreadable(path: url.path, reason: (error as NSError).localizedDescription)
        }
        return try decode(data, path: url.path)
    }

    /// Decodes the bytes of a `.npy` file; `path` names it in errors.
    public static func decode(_ data: Data, path: String = "<memory>") throws -> Tensor {
        let bytes = [UInt8](data)
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw NPYError.malformed(path: path, reason: "missing the \\x93NUMPY magic string")
        }
        let major = bytes[6]
        let headerLength: Int, headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw NPYError.malformed(path: path, reason: "truncated header") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        default:
            throw NPYError.unsupported(path: path, reason: "format version \(major)")
        }
        guard bytes.count >= headerStart + headerLength else {
            throw NPYError.malformed(path: path, reason: "the header is longer than the file")
        }
        let header = String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self)
        guard let descr = value(of: "descr", in: header).map({ $0.trimmingCharacters(in: CharacterSet(charactersIn: "'\" ")) }) else {
            throw NPYError.malformed(path: path, reason: "the header has no 'descr'")
        }
        guard let fortran = value(of: "fortran_order", in: header) else {
            throw NPYError.malformed(path: path, reason: "the header has no 'fortran_order'")
        }
        if fortran.contains("True") {
            throw NPYError.unsupported(path: path, reason: "Fortran-ordered array; save it with numpy.ascontiguousarray first")
        }
        guard let shapeText = value(of: "shape", in: header) else {
            throw NPYError.malformed(path: path, reason: "the header has no 'shape'")
        }
        let shape = try shapeText.trimmingCharacters(in: CharacterSet(charactersIn: "() "))
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            .map { s -> Int in
                guard let v = Int(s), v >= 0 else { throw NPYError.malformed(path: path, reason: "bad shape \(shapeText)") }
                return v
            }
        guard descr.count >= 3 else { throw NPYError.malformed(path: path, reason: "bad descr '\(descr)'") }
        let order = descr.first!
        let kind = descr.dropFirst().first!
        guard let size = Int(descr.dropFirst(2)) else { throw NPYError.malformed(path: path, reason: "bad descr '\(descr)'") }
        let bigEndian = order == ">"
        let count = Tensor.elementCount(shape)
        let bodyStart = headerStart + headerLength
        guard bytes.count - bodyStart >= count * size else {
            throw NPYError.malformed(path: path, reason: "the data is truncated: shape \(shape) of \(descr) needs \(count * size) bytes, the file has \(bytes.count - bodyStart)")
        }
        var values = [Float](repeating: 0, count: count)
        try bytes.withUnsafeBytes { raw in
            let base = raw.baseAddress! + bodyStart
            func load<T: FixedWidthInteger>(_: T.Type, _ i: Int) -> T {
                let v = (base + i * size).loadUnaligned(as: T.self)
                return bigEndian ? T(bigEndian: v) : T(littleEndian: v)
            }
            switch (kind, size) {
            case ("f", 4): for i in 0..<count { values[i] = Float(bitPattern: load(UInt32.self, i)) }
            case ("f", 8): for i in 0..<count { values[i] = Float(Double(bitPattern: load(UInt64.self, i))) }
            case ("i", 1): for i in 0..<count { values[i] = Float(Int8(bitPattern: (base + i).load(as: UInt8.self))) }
            case ("u", 1), ("b", 1): for i in 0..<count { values[i] = Float((base + i).load(as: UInt8.self)) }
            case ("i", 2): for i in 0..<count { values[i] = Float(Int16(bitPattern: load(UInt16.self, i))) }
            case ("u", 2): for i in 0..<count { values[i] = Float(load(UInt16.self, i)) }
            case ("i", 4): for i in 0..<count { values[i] = Float(Int32(bitPattern: load(UInt32.self, i))) }
            case ("u", 4): for i in 0..<count { values[i] = Float(load(UInt32.self, i)) }
            case ("i", 8): for i in 0..<count { values[i] = Float(Int64(bitPattern: load(UInt64.self, i))) }
            default:
                throw NPYError.unsupported(path: path, reason: "dtype '\(descr)' (numeric dtypes only)")
            }
        }
        return Tensor(shape: shape, storage: values)
    }

    /// Writes a tensor as little-endian float32 (`'<f4'`), C order, format 1.0.
    public static func write(_ tensor: Tensor, to url: URL) throws {
        do {
            try encode(tensor).write(to: url, options: .atomic)
        } catch {
            throw NPYError.unreadable(path: url.path, reason: "cannot write: \((error as NSError).localizedDescription)")
        }
    }

    /// The bytes of a `.npy` file holding `tensor`.
    public static func encode(_ tensor: Tensor) -> Data {
        let shapeText: String
        switch tensor.shape.count {
        case 0: shapeText = "()"
        case 1: shapeText = "(\(tensor.shape[0]),)"
        default: shapeText = "(" + tensor.shape.map(String.init).joined(separator: ", ") + ")"
        }
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shapeText), }"
        // Pad with spaces so that magic + version + length + header + newline is a multiple of 64.
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0])
        let n = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(n & 0xff), UInt8(n >> 8)])
        data.append(contentsOf: Array(header.utf8))
        tensor.storage.withUnsafeBufferPointer { buf in
            for v in buf { let b = v.bitPattern.littleEndian; withUnsafeBytes(of: b) { data.append(contentsOf: $0) } }
        }
        return data
    }

    /// The text after `'key':` in a header dict, up to the next top-level comma.
    private static func value(of key: String, in header: String) -> String? {
        guard let r = header.range(of: "'\(key)'") ?? header.range(of: "\"\(key)\"") else { return nil }
        var rest = header[r.upperBound...].drop { $0 == " " || $0 == ":" }
        var depth = 0, out = ""
        while let c = rest.first {
            if c == "(" { depth += 1 }
            if c == ")" { depth -= 1; if depth == 0 { out.append(c); break } }
            if (c == "," || c == "}") && depth == 0 { break }
            out.append(c)
            rest = rest.dropFirst()
        }
        return out.trimmingCharacters(in: .whitespaces)
    }
}
