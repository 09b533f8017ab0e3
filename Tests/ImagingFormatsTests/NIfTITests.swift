import Foundation
import Randomness
import Testing
@testable import ImagingFormats

// NIfTI-1/2 reading against nibabel 5 (Tools/formats/nifti_fixtures.py wrote the files and reference.json).
// Tolerances: affine entries and world positions 1e-5 mm (both sides compute in double from the same
// float32/float64 header fields); voxel sizes 1e-6 mm; HU 1e-4 relative (Vigil keeps Float32 voxels,
// nibabel's get_fdata float64).
@Suite struct NIfTITests {
    static let folder = Fixture.url("nifti")

    static func reference() throws -> [String: [String: Any]] {
        let d = try Data(contentsOf: folder.appendingPathComponent("reference.json"))
        return try JSONSerialization.jsonObject(with: d) as! [String: [String: Any]]
    }

    static func doubles(_ any: Any?) -> [Double] { (any as! [NSNumber]).map(\.doubleValue) }

    @Test func matchesNibabelOnEveryFixture() throws {
        let ref = try Self.reference()
        #expect(ref.count == 11)
        for (name, r) in ref.sorted(by: { $0.key < $1.key }) {
            let image = try NIfTIReader.read(Self.folder.appendingPathComponent(name))
            let shape = (r["shape"] as! [NSNumber]).map(\.intValue)
            #expect([image.shape.i, image.shape.j, image.shape.k] == Array(shape.prefix(3)), "\(name)")
            #expect(image.shape.t == (shape.count > 3 ? shape[3] : 1), "\(name)")
            #expect(image.affineSource.rawValue == r["affineSource"] as! String, "\(name)")
            #expect(image.header.littleEndian == (r["littleEndian"] as! Bool), "\(name)")
            let affine = (r["affine"] as! [[NSNumber]]).map { $0.map(\.doubleValue) }
            for row in 0..<4 {
                for col in 0..<4 {
                    #expect(abs(image.affineRAS[row][col] - affine[row][col]) < 1e-5, "\(name) affine[\(row)][\(col)]")
                }
            }
            let sizes = Self.doubles(r["voxelSizes"])
            for v in image.volumes {
                #expect(abs(v.columnSpacingMM - sizes[0]) < 1e-6, "\(name) i spacing")
                #expect(abs(v.rowSpacingMM - sizes[1]) < 1e-6, "\(name) j spacing")
                #expect(abs((v.sliceSpacingMM ?? -1) - sizes[2]) < 1e-6, "\(name) k spacing")
            }
            let voxels = r["voxels"] as! [[String: Any]]
            #expect(voxels.count >= 6)
            for p in voxels {
                let (i, j, k, t) = (p["i"] as! Int, p["j"] as! Int, p["k"] as! Int, p["t"] as! Int)
                let value = (p["value"] as! NSNumber).doubleValue
                let world = Self.doubles(p["worldRAS"])
                let v = image.volumes[t]
                let s = image.sliceAxisReversed ? image.shape.k - 1 - k : k
                let got = Double(v[s, j, i])
                #expect(abs(got - value) <= 1e-4 * max(1, abs(value)), "\(name) voxel (\(i),\(j),\(k),\(t)): \(got) vs nibabel \(value)")
                // The voxel's centre from the volume's geometry (DICOM LPS) against nibabel's affine (RAS).
                let lps = (0..<3).map { d in
                    v.originMM[d] + Double(i) * v.columnSpacingMM * v.rowDirection[d]
                        + Double(j) * v.rowSpacingMM * v.columnDirection[d] + Double(s) * (v.sliceSpacingMM ?? 0) * v.sliceDirection[d]
                }
                let ras = [-lps[0], -lps[1], lps[2]]
                for d in 0..<3 {
                    #expect(abs(ras[d] - world[d]) < 1e-5, "\(name) voxel (\(i),\(j),\(k)) world[\(d)] \(ras[d]) vs \(world[d])")
                }
            }
            // Slice positions ascend along the slice normal, as the DICOM series assembly gives them.
            for v in image.volumes {
                #expect(zip(v.slicePositionsMM.dropFirst(), v.slicePositionsMM).allSatisfy { $0 > $1 }, "\(name)")
            }
        }
    }

    @Test func sformIsPreferredToQformAndTheLeftHandedQformReversesSlices() throws {
        let sform = try NIfTIReader.read(Self.folder.appendingPathComponent("ct_int16_sform.nii.gz"))
        #expect(sform.header.sformCode == 1 && sform.header.qformCode == 1)
        #expect(sform.affineSource == .sform)
        #expect(sform.header.sclSlope == 0.5 && sform.header.sclInter == -1024)
        let qform = try NIfTIReader.read(Self.folder.appendingPathComponent("ct_float32_qform_be.nii"))
        #expect(qform.affineSource == .qform)
        #expect(!qform.header.littleEndian)
        #expect(qform.header.pixdim[0] == -1)
        #expect(qform.sliceAxisReversed)
    }

    @Test func modalityIsInferredFromHounsfieldValuesOnly() throws {
        let ct = try NIfTIReader.read(Self.folder.appendingPathComponent("ct_uint8_scaled.nii")).volumes[0]
        #expect(ct.metadata.modality == "CT")
        #expect(ct.warnings.contains { $0.contains("taken as CT") })
        let labels = try NIfTIReader.read(Self.folder.appendingPathComponent("labels_uint8.nii.gz")).volumes[0]
        #expect(labels.metadata.modality == nil)
        #expect(labels.warnings.contains { $0.contains("modality unknown") })
    }

    @Test func oddButReadableHeadersWarn() throws {
        let v = try NIfTIReader.read(Self.folder.appendingPathComponent("odd_header.nii")).volumes[0]
        #expect(v.warnings.contains { $0.contains("qfac") })
        #expect(v.warnings.contains { $0.contains("spatial units not recorded") })
        #expect(v.warnings.contains { $0.contains("bitpix is 8") })
        let pixdimOnly = try NIfTIReader.read(Self.folder.appendingPathComponent("ct_int32_pixdim_only.nii.gz"))
        #expect(pixdimOnly.affineSource == .pixdim)
        #expect(pixdimOnly.volumes[0].warnings.contains { $0.contains("neither sform nor qform") })
        let fourD = try NIfTIReader.read(Self.folder.appendingPathComponent("ct_4d.nii.gz"))
        #expect(fourD.volumes.count == 2)
        #expect(fourD.volumes[0].warnings.contains { $0.contains("read as 2 series") })
    }

    @Test func gzipBombStopsAtTheDeclaredSize() throws {
        let url = Self.folder.appendingPathComponent("trailing_bomb.nii.gz")
        let bytes = try Fixture.bytes(url)
        #expect(bytes.count < 64 << 10)
        // The stream inflates to 20 MiB; the reader asks for the header's size + 1 byte only.
        let image = try NIfTIReader.read(url)
        #expect(image.volumes[0].shape == [4, 24, 24])
        #expect(image.volumes[0].warnings.contains { $0.contains("continue past the declared voxels") })
        let partial = try Gunzip.inflate(bytes, limit: 1000)
        #expect(partial.bytes.count == 1000 && partial.reachedLimit)
        let whole = try Gunzip.inflate(bytes, limit: 64 << 20)
        #expect(whole.bytes.count > 20 << 20 && !whole.reachedLimit)
    }

    @Test func concatenatedGzipMembersAndPairsRead() throws {
        let two = try NIfTIReader.read(Self.folder.appendingPathComponent("two_members.nii.gz"))
        #expect(two.volumes[0].shape == [3, 8, 8])
        let pair = try NIfTIReader.read(Self.folder.appendingPathComponent("ct_pair.hdr"))
        #expect(pair.header.magic == "ni1")
        #expect(pair.volumes[0].shape == [3, 6, 7])
    }

    @Test func imageVolumeReaderReadsNIfTIFilesAndFolders() throws {
        let file = try ImageVolumeReader.read(paths: [Self.folder.appendingPathComponent("ct_int16_sform.nii.gz")])
        #expect(file.count == 1)
        let image = try NIfTIReader.read(Self.folder.appendingPathComponent("ct_int16_sform.nii.gz"))
        let k0 = image.sliceAxisReversed ? 5 : 0
        #expect(file[0].sliceSources.first?.hasSuffix("ct_int16_sform.nii.gz#slice\(k0)") == true, "\(file[0].sliceSources)")
        #expect(file[0].sliceSources.count == 6)
        let all = try ImageVolumeReader.readAll(paths: [Self.folder])
        // 12 images (the 4-D one gives 2 volumes); the .img of the pair is not read on its own.
        #expect(all.failures.isEmpty, "\(all.failures)")
        #expect(all.volumes.count == 13)
    }

    // MARK: Refused files: a clear error naming the file and the defect.

    static func header(_ name: String) throws -> [UInt8] {
        try Fixture.bytes(folder.appendingPathComponent(name))
    }

    static func refusal(_ bytes: [UInt8], _ name: String = "bad.nii") -> String? {
        do { _ = try NIfTIReader.decode(bytes, name: name); return nil } catch let e as ImagingError {
            #expect(e.source == name)
            return e.detail
        } catch {
            Issue.record("unexpected error type \(type(of: error)): \(error)")
            return "\(error)"
        }
    }

    static func setI16(_ b: inout [UInt8], _ offset: Int, _ v: Int16) {
        b[offset] = UInt8(truncatingIfNeeded: v)
        b[offset + 1] = UInt8(truncatingIfNeeded: v >> 8)
    }

    @Test func badFilesAreRefusedWithTheDefect() throws {
        let good = try Self.header("ct_uint8_scaled.nii")   // little-endian NIfTI-1, vox_offset 352
        #expect(Self.refusal(good) == nil)
        var b = good
        b[0] = 0x5D; b[1] = 0x01   // sizeof_hdr 349
        #expect(Self.refusal(b)?.contains("sizeof_hdr is 349") == true)
        #expect(Self.refusal(Array(good.prefix(200)))?.contains("truncated") == true)
        #expect(Self.refusal(Array(good.prefix(good.count - 1)))?.contains("truncated") == true)
        b = good; Self.setI16(&b, 42, 11)   // dim[1] 10 → 11: more voxels than the file holds
        #expect(Self.refusal(b)?.contains("truncated: the header declares") == true)
        b = good; Self.setI16(&b, 40, 3); Self.setI16(&b, 42, 30000); Self.setI16(&b, 44, 30000); Self.setI16(&b, 46, 30000)
        #expect(Self.refusal(b)?.contains("more than the limit") == true)
        b = good; Self.setI16(&b, 40, 0)
        #expect(Self.refusal(b)?.contains("dim[0] is 0") == true)
        b = good; Self.setI16(&b, 44, -4)
        #expect(Self.refusal(b)?.contains("dim[2] is -4") == true)
        b = good; Self.setI16(&b, 70, 32)
        #expect(Self.refusal(b)?.contains("complex64") == true)
        b = good; b[112...115] = [0, 0, 0x80, 0x3F]; b[116...119] = [0, 0, 0x80, 0x7F]   // slope 1, inter +inf
        #expect(Self.refusal(b)?.contains("scl_inter") == true)
        // A pair header read alone.
        #expect(Self.refusal(try Self.header("ct_pair.hdr"))?.contains(".img") == true)
        // Corrupt gzip.
        var gz = try Self.header("ct_int16_sform.nii.gz")
        gz[gz.count / 2] ^= 0xFF
        #expect(Self.refusal(gz, "bad.nii.gz")?.hasPrefix("gzip:") == true)
        #expect(Self.refusal(Array(gz.prefix(30)), "bad.nii.gz")?.contains("gzip") == true)
        // A missing file names the path.
        #expect(throws: ImagingError.self) { try NIfTIReader.read(Self.folder.appendingPathComponent("absent.nii")) }
    }

    @Test func corruptedVariantsNeverCrash() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path)
            .filter { $0.hasSuffix(".nii") || $0.hasSuffix(".nii.gz") }.sorted()
        #expect(names.count == 11)
        var variants = 0, read = 0, refused = 0
        var rng = SplitMix64(seed: 2026)
        func next() -> UInt64 { rng.next() >> 11 }
        for name in names {
            let bytes = try Self.header(name)
            func run(_ b: [UInt8]) {
                variants += 1
                do { _ = try NIfTIReader.decode(b, name: name); read += 1 } catch is ImagingError { refused += 1 } catch {
                    Issue.record("\(name): unexpected error type \(type(of: error))")
                }
            }
            for k in 0..<40 { run(Array(bytes.prefix(bytes.count * k / 40))) }
            for _ in 0..<40 {   // single bit flips anywhere
                var b = bytes
                let i = Int(next() % UInt64(b.count))
                b[i] ^= 1 << UInt8(next() % 8)
                run(b)
            }
            for _ in 0..<20 {   // random bytes in the header (uncompressed files) or anywhere
                var b = bytes
                let span = Gunzip.isGzip(b) ? b.count : min(b.count, 352)
                for _ in 0..<3 { b[Int(next() % UInt64(span))] = UInt8(truncatingIfNeeded: next()) }
                run(b)
            }
        }
        #expect(variants == 1100)
        #expect(read + refused == variants)
        #expect(refused > 0 && read > 0)
    }
}
