/// Why an ECG could not be plotted. Every case names the record's file and what is wrong; no case
/// quotes identifiers, comments or signal values beyond structural facts.
public enum ECGPlotError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The record has no lead, or its leads hold no sample.
    case emptyRecord(file: String)
    /// Every sample of every lead is NaN or infinite: nothing can be drawn.
    case noValidSamples(file: String)
    /// The requested start time lies outside the recording.
    case startOutOfRange(file: String, startSeconds: Double, durationSeconds: Double)
    /// The display filter cannot run on this record (rate, length); `--raw` plots it unfiltered.
    case filterFailed(file: String, detail: String)
    /// A plot option is out of range.
    case invalidOption(String)
    /// A findings document could not be read or decoded.
    case badFindings(file: String, detail: String)

    /// One sentence naming the file and the problem.
    public var description: String {
        switch self {
        case let .emptyRecord(file):
            return "\(file): the record holds no samples, nothing to plot"
        case let .noValidSamples(file):
            return "\(file): every sample is invalid (NaN or infinite), nothing to plot"
        case let .startOutOfRange(file, start, duration):
            return "\(file): start \(start) s is outside the recording (0 to \(duration) s)"
        case let .filterFailed(file, detail):
            return "\(file): cannot filter for display (\(detail)); plot it unfiltered with --raw"
        case let .invalidOption(detail):
            return "invalid plot option: \(detail)"
        case let .badFindings(file, detail):
            return "\(file): not a findings document Vigil can read (\(detail))"
        }
    }
}
