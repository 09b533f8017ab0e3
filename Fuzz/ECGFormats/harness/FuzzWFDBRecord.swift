// libFuzzer harness: a whole WFDB record. Input = header text, a 0x00 byte, then the .dat bytes; the
// header's file names are whatever the input says, so the record is written to a scratch directory as
// `f.hea` + `f.dat` (and the signal lines may point at other names: then the reader reports them missing).
import Foundation

let scratch: URL = {
    let u = URL(fileURLWithPath: "/dev/shm/ecgfuzz-\(getpid())")
    try? FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
    return u
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    let split = bytes.firstIndex(of: 0) ?? bytes.endIndex
    let hea = bytes[bytes.startIndex..<split]
    let dat = split < bytes.endIndex ? bytes[(split + 1)...] : Data()[...]
    try? Data(hea).write(to: scratch.appendingPathComponent("f.hea"))
    try? Data(dat).write(to: scratch.appendingPathComponent("f.dat"))
    var opts = ECGReadOptions()
    opts.maxFileBytes = 1 << 20
    opts.wfdbAnnotators = []
    _ = try? WFDBReader.read(url: scratch.appendingPathComponent("f.hea"), options: opts)
    return 0
}
