// Minimal driver mirroring `vigil synth ct` (same CTSynth code): gen COUNT OUT SEED SLICES [lesion] [diameter] [matrix]
import CTSynth
import Foundation
let a = CommandLine.arguments
if a[1] == "raw" { try writeRaw(count: Int(a[2])!, out: URL(fileURLWithPath: a[3]), seed: UInt64(a[4])!, slices: Int(a[5])!); exit(0) }
if a[1] == "dump" { try dumpVolume(a[2], a[3]); try orientation(a[2]); exit(0) }
let count = Int(a[1])!, out = URL(fileURLWithPath: a[2]), seed = UInt64(a[3])!, slices = Int(a[4])!
let lesion = a.count > 5 ? a[5] : "random"
let diameter = a.count > 6 ? Double(a[6]) : nil
let matrix = a.count > 7 ? Int(a[7])! : 512
let pixelSpacing = a.count > 8 ? Double(a[8]) : nil
try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
var rows = [PhantomWriter.csvHeader]
let t0 = Date()
for i in 0..<count {
    var p = PhantomParameters(seed: seed + UInt64(i))
    p.sliceCount = slices
    p.matrix = matrix
    p.pixelSpacingMM = pixelSpacing
    p.lesion = lesion == "absent" ? .absent : (lesion == "present" ? .present(diameterMM: diameter ?? 20) : .random(probability: 0.5))
    let t1 = Date()
    let s = try PhantomGenerator.generate(p)
    let t2 = Date()
    rows.append(try PhantomWriter.write(s, name: String(format: "phantom-%06llu", p.seed), into: out))
    FileHandle.standardError.write(Data(String(format: "gen %.2f s write %.2f s\n", t2.timeIntervalSince(t1), Date().timeIntervalSince(t2)).utf8))
}
try (rows.joined(separator: "\n") + "\n").write(to: out.appendingPathComponent("labels.csv"), atomically: true, encoding: .utf8)
FileHandle.standardError.write(Data(String(format: "total %.1f s\n", Date().timeIntervalSince(t0)).utf8))
