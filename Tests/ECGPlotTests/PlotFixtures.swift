import ECGFormats
import ECGPlot
import Foundation
import Rendering

/// Small in-memory records for the plot tests (250 Hz, 10 s unless said otherwise).
enum PlotFixtures {
    static let rate = 250.0

    static func record(leads names: [String], seconds: Double = 10, rate: Double = rate, file: String = "test.hea",
                       signal: (String, Int) -> Float = { _, _ in 0 }) throws -> ECGRecord {
        let n = Int(seconds * rate)
        let leads = names.map { name in ECGLead(name: name, originalLabel: name, samples: (0..<n).map { signal(name, $0) }) }
        return ECGRecord(sourceFormat: .wfdb, sourceFile: file,
                         rhythm: try ECGWaveform(kind: .rhythm, samplingRateHz: rate, leads: leads, file: file))
    }

    /// Options for fast tests: 5 px/mm (1-px traces), unfiltered.
    static func options(pxPerMM: Int = 5) -> ECGPlotOptions {
        var o = ECGPlotOptions()
        o.pxPerMM = pxPerMM
        o.filter = nil
        return o
    }

    /// Rows of column `x` whose pixel is exactly `color`.
    static func rows(in canvas: Canvas, x: Int, equalTo color: RGB, within range: Range<Int>) -> [Int] {
        range.filter { canvas.pixel(x: x, y: $0) == color }
    }

    static func fixtureURL(_ name: String) -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").appendingPathComponent(name)
    }
}
