import COpenJPEG
import DICOM

/// JPEG 2000 decoding through OpenJPEG, from memory.
enum JPEG2000 {
    /// Reader state passed to OpenJPEG's stream callbacks.
    final class Source {
        let bytes: [UInt8]
        var position = 0
        var messages: [String] = []
        init(_ b: ArraySlice<UInt8>) { bytes = Array(b) }
    }

    /// Decodes one frame to signed stored values (rows × columns), checking the codestream's size first.
    static func decode(_ data: ArraySlice<UInt8>, file: String, rows: Int, columns: Int, pixelRepresentation: Int,
                       bitsStored: Int) throws -> [Int32] {
        func fail(_ d: String) -> DICOMError { DICOMError(file: file, kind: .decodeFailed, detail: "JPEG 2000: \(d)") }
        let src = Source(data)
        let isJP2 = src.bytes.count >= 12 && src.bytes[0...3] == [0, 0, 0, 0x0C]
        guard isJP2 || (src.bytes.count >= 4 && src.bytes[0] == 0xFF && src.bytes[1] == 0x4F) else {
            throw fail("the frame is not a JPEG 2000 codestream (no SOC marker)")
        }
        guard let codec = opj_create_decompress(isJP2 ? OPJ_CODEC_JP2 : OPJ_CODEC_J2K) else { throw fail("cannot create decoder") }
        defer { opj_destroy_codec(codec) }
        let box = Unmanaged.passRetained(src)
        defer { box.release() }
        let user = box.toOpaque()
        let handler: opj_msg_callback = { msg, client in
            guard let msg, let client else { return }
            let s = Unmanaged<Source>.fromOpaque(client).takeUnretainedValue()
            if s.messages.count < 8 { s.messages.append(String(cString: msg).vigilTrimmedNewlines) }
        }
        opj_set_error_handler(codec, handler, user)
        var params = opj_dparameters_t()
        opj_set_default_decoder_parameters(&params)
        guard opj_setup_decoder(codec, &params) != 0 else { throw fail("cannot set up decoder") }

        guard let stream = opj_stream_create(Int(1 << 16), 1) else { throw fail("cannot create stream") }
        defer { opj_stream_destroy(stream) }
        opj_stream_set_user_data(stream, user, nil)
        opj_stream_set_user_data_length(stream, UInt64(src.bytes.count))
        opj_stream_set_read_function(stream) { buffer, count, client in
            let s = Unmanaged<Source>.fromOpaque(client!).takeUnretainedValue()
            let left = s.bytes.count - s.position
            if left <= 0 { return OPJ_SIZE_T.max }  // (OPJ_SIZE_T)-1: end of stream
            let n = min(left, Int(count))
            s.bytes.withUnsafeBytes { raw in
                buffer!.copyMemory(from: raw.baseAddress! + s.position, byteCount: n)
            }
            s.position += n
            return OPJ_SIZE_T(n)
        }
        opj_stream_set_skip_function(stream) { count, client in
            let s = Unmanaged<Source>.fromOpaque(client!).takeUnretainedValue()
            let target = max(0, min(s.bytes.count, s.position + Int(count)))
            let moved = target - s.position
            s.position = target
            return OPJ_OFF_T(moved)
        }
        opj_stream_set_seek_function(stream) { offset, client in
            let s = Unmanaged<Source>.fromOpaque(client!).takeUnretainedValue()
            guard offset >= 0, Int(offset) <= s.bytes.count else { return 0 }
            s.position = Int(offset)
            return 1
        }
        var imagePtr: UnsafeMutablePointer<opj_image_t>? = nil
        guard opj_read_header(stream, codec, &imagePtr) != 0, let image = imagePtr else {
            throw fail("cannot read the codestream header" + detail(src))
        }
        defer { opj_image_destroy(image) }
        let w = Int(image.pointee.x1) - Int(image.pointee.x0), h = Int(image.pointee.y1) - Int(image.pointee.y0)
        guard image.pointee.numcomps == 1 else {
            throw DICOMError(file: file, kind: .unsupportedImage, detail: "JPEG 2000 image has \(image.pointee.numcomps) components; only 1 is supported")
        }
        guard w == columns, h == rows else {
            throw DICOMError(file: file, kind: .invalidValue, detail: "JPEG 2000 image is \(w)x\(h) but the data set says \(columns)x\(rows)")
        }
        guard opj_decode(codec, stream, image) != 0, opj_end_decompress(codec, stream) != 0 else {
            throw fail("decoding failed" + detail(src))
        }
        let comp = image.pointee.comps[0]
        guard let data = comp.data, Int(comp.w) == w, Int(comp.h) == h, comp.factor == 0 else {
            throw fail("decoder returned no data of the expected size")
        }
        let count = w * h
        var out = [Int32](repeating: 0, count: count)
        let prec = Int(comp.prec)
        let signedInStream = comp.sgnd != 0
        for i in 0..<count {
            var v = data[i]
            // DICOM's Pixel Representation wins over the codestream's signedness (PS3.5 §8.2.4):
            // reinterpret unsigned samples as two's complement in Bits Stored bits when the data set says signed.
            if pixelRepresentation == 1 && !signedInStream {
                let bits = min(prec, bitsStored)
                let m = Int32(1) << Int32(bits)
                v &= m - 1
                if v >= m >> 1 { v -= m }
            }
            out[i] = v
        }
        return out
    }

    static func detail(_ s: Source) -> String {
        s.messages.isEmpty ? "" : " (" + s.messages.joined(separator: "; ") + ")"
    }
}

extension String {
    var vigilTrimmedNewlines: String {
        var s = Substring(self)
        while let l = s.last, l.isNewline || l == " " { s.removeLast() }
        return String(s)
    }
}
