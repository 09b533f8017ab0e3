import Foundation
import ECGFormats

/// A span of a lead (or of every lead) to shade on the plot: what a detector points at.
public struct EvidenceWindow: Sendable, Equatable {
    /// The lead's name (normalised like the readers do, so `"lead ii"` matches `II`), or nil for all leads.
    public var lead: String?
    /// Start, seconds from the recording start.
    public var startSeconds: Double
    /// End, seconds from the recording start (≥ start; equal draws a thin mark).
    public var endSeconds: Double
    /// Text printed in the span (clipped to the panel), or nil.
    public var label: String?

    /// Creates a window.
    public init(lead: String?, startSeconds: Double, endSeconds: Double, label: String? = nil) {
        self.lead = lead
        self.startSeconds = startSeconds
        self.endSeconds = endSeconds
        self.label = label
    }

    /// True when the window applies to a panel of lead `name`.
    func matches(lead name: String) -> Bool {
        guard let lead else { return true }
        return ECGLeadName.normalise(lead).lowercased() == ECGLeadName.normalise(name).lowercased()
    }

    /// "II 1.25–3.5 s" (or "all leads …"), for notes.
    var summary: String {
        "\(lead ?? "all leads") \(Self.seconds(startSeconds))–\(Self.seconds(endSeconds)) s"
    }

    static func seconds(_ v: Double) -> String {
        let r = (v * 100).rounded() / 100
        return r.rounded() == r ? String(format: "%.1f", r) : String(r)
    }
}
