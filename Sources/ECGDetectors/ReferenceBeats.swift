import ECGFormats
import Foundation

/// Reference beat positions a record carries, for `vigil ecg eval`.
public enum ReferenceBeats {
    /// Where the reference beats came from.
    public enum Source: String, Sendable, Equatable {
        /// WFDB annotation file (MIT beat codes).
        case wfdbAnnotations = "WFDB beat annotations"
        /// DICOM waveform annotations of the fiducial point (code 5.7.1-3) of each beat.
        case dicomFiducialPoints = "DICOM fiducial points"
    }

    /// The reference beats of `record` at its rhythm sampling rate, or nil when it has none.
    ///
    /// WFDB: annotations whose MIT code is a beat code. DICOM: annotations named "Fiducial Point"
    /// (DICOM code 5.7.1-3) on the rhythm waveform (subtype 0). Two reference points less than 200 ms apart
    /// cannot be two beats (refractory period); they are merged into the first and counted in `merged`.
    /// (The pydicom Mortara sample has, besides one fiducial point per beat, one for its median beat placed
    /// in the rhythm strip 26 ms before the first beat's.)
    public static func of(_ record: ECGRecord) -> (beats: [Int], source: Source, merged: Int)? {
        var points: [Int] = []
        let source: Source
        if record.sourceFormat == .dicom {
            points = record.annotations.filter {
                $0.subtype == 0 && ($0.symbol == "5.7.1-3" || ($0.meaning ?? "").lowercased() == "fiducial point")
            }.map(\.sample)
            source = .dicomFiducialPoints
        } else {
            points = record.annotations.filter(\.isBeat).map(\.sample)
            source = .wfdbAnnotations
        }
        guard !points.isEmpty else { return nil }
        points.sort()
        let gap = Int((0.2 * record.rhythm.samplingRateHz).rounded())
        var beats: [Int] = []
        var merged = 0
        for p in points {
            if let last = beats.last, p - last < gap { merged += 1; continue }
            beats.append(p)
        }
        return (beats, source, merged)
    }
}
