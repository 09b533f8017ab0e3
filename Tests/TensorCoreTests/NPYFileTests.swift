import Foundation
import Testing
import VigilTestSupport
@testable import TensorCore

@Suite struct NPYFileTests {
    @Test func roundTripsShapesIncludingScalarsAndVectors() throws {
        for shape in [[], [5], [2, 3], [1, 12, 7]] {
            let n = Tensor.elementCount(shape)
            let t = Tensor(shape: shape, storage: (0..<n).map { Float($0) * 0.25 - 1 })
            #expect(try NPYFile.decode(NPYFile.encode(t)) == t)
        }
    }

    @Test func readsWhatNumpyWrote() throws {
        // SampleData/tensors/*.npy were written by numpy (Tools/models/make_test_models.py).
        let root = Repository.root
        let t = try NPYFile.read(root.appendingPathComponent("SampleData/tensors/ecg_resnet1d_input.npy"))
        #expect(t.shape == [1, 12, 5000])
        #expect(t.storage.allSatisfy { $0.isFinite } && t.storage.contains { $0 != 0 })
    }

    @Test func readsOtherDtypesAndBigEndian() throws {
        func file(_ descr: String, _ shape: String, _ body: [UInt8]) -> Data {
            var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shape), }"
            header += String(repeating: " ", count: (64 - (10 + header.utf8.count + 1) % 64) % 64) + "\n"
            var d = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(header.utf8.count & 0xff), UInt8(header.utf8.count >> 8)])
            d.append(contentsOf: Array(header.utf8)); d.append(contentsOf: body)
            return d
        }
        // int16 little-endian [-2, 300]
        #expect(try NPYFile.decode(file("<i2", "(2,)", [0xFE, 0xFF, 0x2C, 0x01])).storage == [-2, 300])
        // float32 big-endian 1.5 = 0x3FC00000
        #expect(try NPYFile.decode(file(">f4", "(1,)", [0x3F, 0xC0, 0, 0])).storage == [1.5])
        // float64 little-endian 0.5
        #expect(try NPYFile.decode(file("<f8", "(1, 1)", [0, 0, 0, 0, 0, 0, 0xE0, 0x3F])).storage == [0.5])
    }

    @Test func rejectsBadFilesWithReasons() {
        let good = NPYFile.encode(Tensor(shape: [4], storage: [1, 2, 3, 4]))
        #expect(throws: NPYFile.NPYError.self) { _ = try NPYFile.decode(good.prefix(good.count - 3)) }
        #expect(throws: NPYFile.NPYError.self) { _ = try NPYFile.decode(Data("not numpy".utf8)) }
        var fortran = good
        let range = fortran.range(of: Data("False".utf8))!
        fortran.replaceSubrange(range, with: Data("True ".utf8))
        do {
            _ = try NPYFile.decode(fortran, path: "f.npy")
            Issue.record("a Fortran-ordered file was accepted")
        } catch {
            #expect("\(error)".contains("Fortran"))
            #expect("\(error)".contains("f.npy"))
        }
    }
}
