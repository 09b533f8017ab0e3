import Foundation
import ImagingFormats
import Rendering
import Testing

@Suite struct PNGWriterTests {
    private func tempURL(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("vigil-png-\(UUID().uuidString)-\(name)")
    }

    @Test func sixteenBitGrayRoundTripsBitExactly() throws {
        let width = 7, height = 5
        let values = (0..<(width * height)).map { UInt16(truncatingIfNeeded: $0 * 1871 + 3) }
        let url = tempURL("g16.png")
        defer { try? FileManager.default.removeItem(at: url) }
        try PNGWriter.writeGray16(values, width: width, height: height, to: url)
        let back = try GrayPNG.read(url)
        #expect(back.width == width && back.height == height && back.bitDepth == 16)
        #expect(back.values == values)
    }

    @Test func eightBitGrayRoundTrips() throws {
        let values: [UInt8] = [0, 1, 2, 127, 128, 254, 255, 64, 3]
        let url = tempURL("g8.png")
        defer { try? FileManager.default.removeItem(at: url) }
        try PNGWriter.writeGray8(values, width: 3, height: 3, to: url)
        let back = try GrayPNG.read(url)
        #expect(back.bitDepth == 8)
        #expect(back.values == values.map(UInt16.init))
    }

    @Test func wrongBufferSizeAndUnwritablePathAreClearErrors() throws {
        #expect(throws: RenderingError.self) {
            try PNGWriter.writeRGB8([0, 0, 0], width: 2, height: 1, to: tempURL("bad.png"))
        }
        let missing = URL(fileURLWithPath: "/nonexistent-dir-\(UUID().uuidString)/x.png")
        do {
            try PNGWriter.writeRGB8([UInt8](repeating: 9, count: 12), width: 2, height: 2, to: missing)
            Issue.record("writing into a missing folder succeeded")
        } catch let error as RenderingError {
            #expect(error.path == missing.path)
        }
    }
}
