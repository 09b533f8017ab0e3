import Testing
@testable import TensorCore

private func resizeMode(_ c: FixtureCase) throws -> ResizeMode {
    switch c.string("mode", default: "nearest") {
    case "linear": return .linear
    case "nearest":
        switch c.string("nearest_mode", default: "round_prefer_floor") {
        case "round_prefer_floor": return .nearest(.roundPreferFloor)
        case "round_prefer_ceil": return .nearest(.roundPreferCeil)
        case "floor": return .nearest(.floor)
        case "ceil": return .nearest(.ceil)
        case let m: throw FixtureError("unknown nearest_mode \(m)")
        }
    case let m: throw FixtureError("unknown mode \(m)")
    }
}

private func coordinates(_ c: FixtureCase) throws -> CoordinateTransform {
    switch c.string("coordinate_transformation_mode", default: "half_pixel") {
    case "half_pixel": return .halfPixel
    case "pytorch_half_pixel": return .pytorchHalfPixel
    case "align_corners": return .alignCorners
    case "asymmetric": return .asymmetric
    case let m: throw FixtureError("unknown coordinate_transformation_mode \(m)")
    }
}

@Suite struct ResizeTests {
    @Test(arguments: Fixtures.cases("resize"))
    func resizeMatchesReference(_ c: FixtureCase) throws {
        try c.loaded()
        let x = try c.input("X"), expected = try c.expected()
        let mode = try resizeMode(c), coords = try coordinates(c)
        let y: Tensor
        if c.has("scales") {
            y = Resize.resize(x, scales: try c.input("scales").storage, mode: mode, coordinates: coords)
        } else {
            let sizes = try #require(c.ints("sizes"))
            y = Resize.resize(x, outputShape: sizes, mode: mode, coordinates: coords)
        }
        expectClose(y, expected, c.testDescription)
    }

    @Test func nearestUpsampleByTwoRepeatsPixels() {
        // What PyTorch nn.Upsample(scale_factor=2, mode="nearest") exports: asymmetric + floor.
        let x = Tensor(shape: [1, 1, 2, 2], storage: [1, 2, 3, 4])
        let y = Resize.resize(x, outputShape: [1, 1, 4, 4], mode: .nearest(.floor), coordinates: .asymmetric)
        #expect(y.storage == [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4])
    }

    @Test func linearAlignCornersKeepsCornersAndInterpolatesMidpoints() {
        let x = Tensor(shape: [1, 1, 1, 3], storage: [0, 10, 20])
        let y = Resize.resize(x, outputShape: [1, 1, 1, 5], mode: .linear, coordinates: .alignCorners)
        #expect(y.storage == [0, 5, 10, 15, 20])
    }

    @Test func largeBatchMatchesPlaneByPlane() {
        // Threaded over planes: each plane resized alone must give the same numbers.
        let x = seededTensor([2, 12, 30, 41], seed: 17)
        for (mode, coords) in [(ResizeMode.linear, CoordinateTransform.halfPixel), (.nearest(.roundPreferFloor), .halfPixel)] {
            let y = Resize.resize(x, outputShape: [2, 12, 47, 83], mode: mode, coordinates: coords)
            let plane = 30 * 41, outPlane = 47 * 83
            var mismatches = 0
            for p in 0..<24 {
                let xp = Tensor(shape: [1, 1, 30, 41], storage: Array(x.storage[p * plane..<(p + 1) * plane]))
                let yp = Resize.resize(xp, outputShape: [1, 1, 47, 83], mode: mode, coordinates: coords)
                if yp.storage != Array(y.storage[p * outPlane..<(p + 1) * outPlane]) { mismatches += 1 }
            }
            #expect(mismatches == 0, "\(mode): \(mismatches) planes differ")
        }
    }
}
