@testable import CTSynth
import Foundation
import Testing

@Suite("PhantomGenerator")
struct PhantomGeneratorTests {
    @Test("the same seed gives the same study voxel for voxel; another seed does not")
    func determinism() throws {
        let a = try PhantomGenerator.generate(TestPhantoms.parameters(seed: 11, slices: 3))
        let b = try PhantomGenerator.generate(TestPhantoms.parameters(seed: 11, slices: 3))
        let c = try PhantomGenerator.generate(TestPhantoms.parameters(seed: 12, slices: 3))
        #expect(a.volume.voxels == b.volume.voxels)
        #expect(a.labels == b.labels)
        #expect(a.truth == b.truth)
        #expect(a.volume.voxels != c.volume.voxels)
    }

    @Test("noise-free organ HU lie in the portal-venous ranges of the specification")
    func organHU() throws {
        var p = TestPhantoms.parameters(seed: 21, slices: 5)
        p.noiseSigmaHU = 0
        p.psfFWHMMM = 0
        p.lesion = .present(diameterMM: 25)
        let s = try PhantomGenerator.generate(p)
        let ranges: [(Tissue, ClosedRange<Double>)] = [
            (.subcutaneousFat, -120 ... -80), (.visceralFat, -125 ... -75), (.muscle, 40 ... 65), (.liver, 95 ... 135),
            (.pancreas, 95 ... 135), (.kidneyCortex, 150 ... 205), (.artery, 145 ... 205), (.vein, 145 ... 195),
            (.cancellousBone, 170 ... 250),
        ]
        for (tissue, range) in ranges {
            let v = TestPhantoms.values(s, tissue)
            #expect(v.count > 20, "\(tissue) has \(v.count) voxels")
            let m = TestPhantoms.median(v)
            #expect(range.contains(m), "\(tissue) median \(m) HU outside \(range)")
        }
        let lesion = TestPhantoms.median(TestPhantoms.values(s, .lesion)), pancreas = TestPhantoms.median(TestPhantoms.values(s, .pancreas))
        #expect((28 ... 72).contains(pancreas - lesion), "lesion is \(pancreas - lesion) HU below the pancreas")
        #expect((25 ... 105).contains(lesion), "lesion median \(lesion) HU")
        // the drawn table itself, for several seeds
        for seed in UInt64(1)...20 {
            let t = try PhantomGenerator.generate(TestPhantoms.parameters(seed: seed, slices: 1, matrix: 32)).truth.tissueHU
            #expect((100 ... 130).contains(t[.liver]) && (110 ... 130).contains(t[.spleen]) && (100 ... 130).contains(t[.pancreas]))
            #expect((30 ... 70).contains(t[.pancreas] - t[.lesion]))
        }
    }

    @Test("the lesion's longest axis on its centre slice is the requested diameter within one pixel", arguments: [5.0, 12.0, 30.0, 40.0])
    func lesionSize(diameter: Double) throws {
        var p = TestPhantoms.parameters(seed: 31 + UInt64(diameter), slices: 24, spacing: 0.8)
        p.lesion = .present(diameterMM: diameter)
        let s = try PhantomGenerator.generate(p)
        let lesion = try #require(s.truth.lesion)
        #expect(lesion.diameterMM == diameter)
        let n = s.volume.rows, base = lesion.centerSlice * n * n
        var pts: [(Double, Double)] = []
        for r in 0..<n { for c in 0..<n where s.labels[base + r * n + c] == PhantomStudy.lesionLabel { pts.append((Double(r), Double(c))) } }
        #expect(!pts.isEmpty)
        var longest = 0.0
        for i in pts.indices { for j in pts.indices where j > i {
            longest = max(longest, ((pts[i].0 - pts[j].0) * (pts[i].0 - pts[j].0) + (pts[i].1 - pts[j].1) * (pts[i].1 - pts[j].1)).squareRoot())
        } }
        let measured = (longest + 1) * 0.8  // pixel-centre span plus one pixel
        #expect(abs(measured - diameter) <= 0.8 + 1e-9, "measured \(measured) mm for \(diameter) mm")
    }

    @Test("noise has the requested σ inside the body and is spatially correlated")
    func noiseSigma() throws {
        var clean = TestPhantoms.parameters(seed: 41, slices: 3)
        clean.noiseSigmaHU = 0
        var noisy = clean
        noisy.noiseSigmaHU = 15
        let a = try PhantomGenerator.generate(clean), b = try PhantomGenerator.generate(noisy)
        #expect(a.tissues == b.tissues)
        var d: [Double] = []
        let n = a.volume.columns
        var lag = 0.0, count = 0
        // soft tissue only: air and gas can be clipped at −1024 HU
        let soft = { (t: UInt8) in t != Tissue.air.rawValue && t != Tissue.gas.rawValue }
        for i in a.volume.voxels.indices where soft(a.tissues[i]) {
            d.append(Double(b.volume.voxels[i] - a.volume.voxels[i]))
            if i % n < n - 1, soft(a.tissues[i + 1]) {
                lag += Double(b.volume.voxels[i] - a.volume.voxels[i]) * Double(b.volume.voxels[i + 1] - a.volume.voxels[i + 1])
                count += 1
            }
        }
        let mean = d.reduce(0, +) / Double(d.count)
        let sd = (d.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(d.count - 1)).squareRoot()
        #expect(abs(mean) < 0.5)
        #expect(abs(sd - 15) < 0.75, "noise σ \(sd) HU for 15 requested")
        let rho = lag / Double(count) / (sd * sd)
        #expect(rho > 0.2 && rho < 0.9, "lag-1 correlation \(rho)")
    }

    @Test("values are integer HU in the int16 CT range; metadata say CT, abdomen, contrast, slice thickness")
    func valuesAndMetadata() throws {
        let s = try PhantomGenerator.generate(TestPhantoms.parameters(seed: 51, slices: 2))
        #expect(s.volume.voxels.allSatisfy { $0 == $0.rounded() && $0 >= -1024 && $0 <= 3071 })
        #expect(s.volume.metadata.modality == "CT")
        #expect(s.volume.metadata.bodyPart == "ABDOMEN")
        #expect(s.volume.metadata.contrastAgent != nil)
        #expect(s.volume.metadata.sliceThicknessMM == 2.5)
        #expect(s.volume.sliceSpacingMM == 2.5)
        #expect(s.labels.contains(PhantomStudy.pancreasLabel))
    }

    @Test("out-of-range parameters are refused, naming the parameter")
    func invalidParameters() {
        var p = PhantomParameters(seed: 1)
        p.matrix = 8
        #expect(throws: PhantomError.self) { try PhantomGenerator.generate(p) }
        p = PhantomParameters(seed: 1)
        p.lesion = .present(diameterMM: 60)
        do {
            _ = try PhantomGenerator.generate(p)
            Issue.record("a 60 mm lesion was accepted")
        } catch {
            #expect("\(error)".contains("lesion diameter"))
        }
    }

    @Test("the PSF / noise filter matches scipy.ndimage.gaussian_filter")
    func blurMatchesScipy() throws {
        struct Fixture: Decodable { let sigmaPx: Double; let size: Int; let input: [Double]; let output: [Double]; let noiseGain: Double }
        let f = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: TestPhantoms.fixtureURL("gaussian_blur.json")))
        var img = f.input.map(Float.init)
        let gain = ImageFormation.gaussianBlur(&img, size: f.size, sigmaPx: f.sigmaPx)
        for i in img.indices { #expect(abs(Double(img[i]) - f.output[i]) < 1e-3, "pixel \(i)") }
        #expect(abs(gain - f.noiseGain) < 1e-6)
    }
}
