// Writes one default phantom (512 x 512, given seed, `slices` slices) as raw int16 HU + uint8 tissue codes.
import CTSynth
import Foundation
let a = CommandLine.arguments
var p = PhantomParameters(seed: UInt64(a[1])!)
p.sliceCount = Int(a[3])!
p.lesion = .present(diameterMM: 20)
let s = try PhantomGenerator.generate(p)
try s.volume.voxels.map { Int16($0) }.withUnsafeBufferPointer { Data(buffer: $0) }.write(to: URL(fileURLWithPath: a[2] + ".i16"))
try Data(s.tissues).write(to: URL(fileURLWithPath: a[2] + ".tis"))
print(s.volume.slices, s.volume.rows, s.volume.columns, s.truth.pixelSpacingMM, s.truth.noiseSigmaHU, s.truth.lesion?.centerSlice ?? -1)
