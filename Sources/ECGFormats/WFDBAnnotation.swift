import Foundation

// MIT-format WFDB annotation files (annot(5)). The file is a sequence of 16-bit little-endian words:
// the top 6 bits are a code, the low 10 bits a value. Codes 1…49 are annotations whose value is the
// sample interval since the previous annotation; pseudo-codes modify or extend them:
//   59 SKIP: the next two words hold a 32-bit signed interval, high word first (each word little-endian);
//   60 NUM, 61 SUB, 62 CHN: set the current annotation's num / subtype / channel (low byte; NUM and SUB
//      signed, CHN unsigned); NUM and CHN carry over to later annotations, SUB does not;
//   63 AUX: the value is a byte count; that many bytes of text follow, padded to an even length;
//   a zero word ends the file.
// Notes at sample 0 whose text starts with "## time resolution:" define the annotation time base and are
// not returned as annotations (as wfdb-python's rdann does).

/// Reader and writer for MIT-format annotation files.
public enum WFDBAnnotationFile {
    /// The result of reading an annotation file.
    public struct Contents: Sendable, Equatable {
        /// Annotations in file order (sample indices non-decreasing in well-formed files).
        public var annotations: [ECGAnnotation]
        /// The time resolution (Hz) declared in the file, if any.
        public var declaredResolutionHz: Double?
    }

    /// Reads an annotation file. Times are `sample / samplingRateHz` (or the file's declared resolution).
    /// - Throws: `ECGFormatError.fileNotFound`, `.malformedAnnotation` (odd length, truncated SKIP/AUX,
    ///   missing end marker, negative sample), `.tooLarge` above `maxBytes`.
    public static func read(url: URL, samplingRateHz: Double, maxBytes: Int = 256 << 20) throws -> Contents {
        let data = try readFileBytes(url, maxBytes: maxBytes)
        return try parse(data, file: url.lastPathComponent, samplingRateHz: samplingRateHz)
    }

    /// Parses annotation bytes; `file` names them in errors.
    public static func parse(_ data: Data, file: String, samplingRateHz: Double) throws -> Contents {
        let bytes = [UInt8](data)
        func bad(_ at: Int, _ why: String) -> ECGFormatError { .malformedAnnotation(file: file, byteOffset: at, reason: why) }
        if bytes.count % 2 != 0 { throw bad(bytes.count - 1, "odd file length \(bytes.count)") }
        let nWords = bytes.count / 2
        func word(_ w: Int) -> Int { Int(bytes[2 * w]) | Int(bytes[2 * w + 1]) << 8 }
        var out: [ECGAnnotation] = []
        var resolution: Double?
        var sample = 0
        var chan = 0, num = 0
        var w = 0
        var sawEnd = false
        // Current annotation being assembled.
        var pendingCode: Int?
        var pendingSample = 0, pendingSub = 0
        var pendingAux: String?
        func flush() {
            guard let code = pendingCode else { return }
            defer { pendingCode = nil }
            if code == 0 { return } // NOTQRS: not an annotation
            if pendingSample == 0, code == 22, let aux = pendingAux, aux.hasPrefix("## ") {
                if aux.hasPrefix("## time resolution:"),
                   let v = Double(aux.dropFirst("## time resolution:".count).trimmingCharacters(in: .whitespaces)),
                   v > 0, v.isFinite { resolution = v }
                return
            }
            let (sym, meaning) = MITAnnotationCode.symbol(for: code)
            out.append(ECGAnnotation(sample: pendingSample, timeSeconds: 0, code: code, symbol: sym,
                                     meaning: meaning, subtype: pendingSub, channel: chan, number: num,
                                     auxText: pendingAux))
        }
        while w < nWords {
            let v = word(w)
            let code = v >> 10, value = v & 0x3FF
            if v == 0 { sawEnd = true; break }
            switch code {
            case 59: // SKIP
                guard w + 2 < nWords else { throw bad(2 * w, "SKIP without its 4-byte interval") }
                let hi = word(w + 1), lo = word(w + 2)
                let interval = Int(Int32(bitPattern: UInt32(hi) << 16 | UInt32(lo)))
                flush()
                sample += interval
                w += 3
                // A SKIP belongs to the next annotation: the pending one is done.
                continue
            case 60:
                guard pendingCode != nil else { throw bad(2 * w, "NUM before any annotation") }
                num = Int(Int8(bitPattern: UInt8(value & 0xFF))); w += 1
            case 61:
                guard pendingCode != nil else { throw bad(2 * w, "SUB before any annotation") }
                pendingSub = Int(Int8(bitPattern: UInt8(value & 0xFF))); w += 1
            case 62:
                guard pendingCode != nil else { throw bad(2 * w, "CHN before any annotation") }
                chan = value & 0xFF; w += 1
            case 63:
                guard pendingCode != nil else { throw bad(2 * w, "AUX before any annotation") }
                let len = value & 0xFF
                let start = 2 * (w + 1)
                guard start + len <= bytes.count else { throw bad(2 * w, "AUX text of \(len) bytes runs past the end") }
                pendingAux = String(decoding: bytes[start..<(start + len)], as: UTF8.self)
                w += 1 + (len + 1) / 2
            default:
                flush()
                sample += value
                if sample < 0 { throw bad(2 * w, "negative sample index \(sample)") }
                pendingCode = code; pendingSample = sample; pendingSub = 0; pendingAux = nil
                w += 1
            }
        }
        flush()
        if !sawEnd { throw bad(bytes.count, "no end-of-file marker (file truncated?)") }
        let rate = resolution ?? samplingRateHz
        for i in out.indices { out[i].timeSeconds = Double(out[i].sample) / rate }
        return Contents(annotations: out, declaredResolutionHz: resolution)
    }

    /// Encodes annotations in MIT format. Annotations need a `code` in 1…49 (or an MIT `symbol`); they
    /// are written in sample order. `subtype`, `channel`, `number` and `auxText` (≤ 255 UTF-8 bytes) are kept.
    /// - Throws: `ECGFormatError.invalidValue` for an annotation without a usable code or with a
    ///   negative sample.
    public static func encode(_ annotations: [ECGAnnotation], file: String = "<memory>") throws -> Data {
        var bytes = Data()
        func put(_ w: Int) { let u = UInt16(w & 0xFFFF); bytes.append(UInt8(u & 0xFF)); bytes.append(UInt8(u >> 8)) }
        var prev = 0, chan = 0, num = 0
        for a in annotations.sorted(by: { $0.sample < $1.sample }) {
            guard let code = a.code ?? MITAnnotationCode.code(for: a.symbol), (1...49).contains(code) else {
                throw ECGFormatError.invalidValue(file: file, field: "annotation code", value: a.symbol)
            }
            guard a.sample >= 0 else { throw ECGFormatError.invalidValue(file: file, field: "annotation sample", value: "\(a.sample)") }
            let diff = a.sample - prev
            if diff > 1023 {
                put(59 << 10)
                let u = UInt32(truncatingIfNeeded: diff)
                put(Int(u >> 16)); put(Int(u & 0xFFFF))
                put(code << 10)
            } else {
                put(code << 10 | diff)
            }
            prev = a.sample
            if a.subtype != 0 { put(61 << 10 | (a.subtype & 0xFF)) }
            if a.channel != chan { put(62 << 10 | (a.channel & 0xFF)); chan = a.channel }
            if a.number != num { put(60 << 10 | (a.number & 0xFF)); num = a.number }
            if let aux = a.auxText, !aux.isEmpty {
                var t = Array(aux.utf8.prefix(255))
                put(63 << 10 | t.count)
                if t.count % 2 == 1 { t.append(0) }
                bytes.append(contentsOf: t)
            }
        }
        put(0)
        return bytes
    }
}
