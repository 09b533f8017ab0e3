import Foundation

/// One line of `vigil doctor`: what was checked, how it stands, and how to fix it.
public struct DoctorCheck: Sendable, Hashable {
    /// How a check stands.
    public enum Status: String, Sendable, Hashable, Comparable {
        /// Works as it should.
        case ok
        /// Works, but not as well as it could, or something is set that Vigil will not use.
        case warning
        /// Something a user asked for (or a shipped part) does not work.
        case error

        private var rank: Int { self == .ok ? 0 : self == .warning ? 1 : 2 }
        public static func < (a: Status, b: Status) -> Bool { a.rank < b.rank }
    }

    /// The area, short (`version`, `models`, `cpu`, `threads`, `openblas`, `store`, `language model`, `postgresql`).
    public let area: String
    /// How it stands.
    public let status: Status
    /// What was found, in one sentence (paths and addresses included: the doctor is for whoever installs Vigil).
    public let message: String
    /// What to do about it; nil when nothing needs doing.
    public let fix: String?

    /// Creates a check line.
    public init(_ area: String, _ status: Status, _ message: String, fix: String? = nil) {
        self.area = area
        self.status = status
        self.message = message
        self.fix = fix
    }
}

/// The doctor's report: its check lines, rendered as one screen.
public struct DoctorReport: Sendable {
    /// Every check, in the order they ran.
    public let checks: [DoctorCheck]

    /// Creates a report.
    public init(checks: [DoctorCheck]) { self.checks = checks }

    /// The worst status of any check.
    public var worst: DoctorCheck.Status { checks.map(\.status).max() ?? .ok }

    /// The process exit code: 1 when any check is an error, else 0 (warnings do not fail).
    public var exitCode: Int32 { worst == .error ? 1 : 0 }

    /// Checks of one area.
    public func checks(_ area: String) -> [DoctorCheck] { checks.filter { $0.area == area } }

    /// One line per check (`ok`, `warning` or `error`, the area, the message), the fix under it,
    /// and a count at the end.
    public func render() -> String {
        var lines: [String] = []
        for c in checks {
            lines.append(c.status.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
                + c.area.padding(toLength: 15, withPad: " ", startingAt: 0) + c.message)
            if let fix = c.fix { lines.append(String(repeating: " ", count: 23) + "fix: " + fix) }
        }
        let n = { (s: DoctorCheck.Status) in self.checks.filter { $0.status == s }.count }
        lines.append("")
        lines.append("\(n(.ok)) ok, \(n(.warning)) warning\(n(.warning) == 1 ? "" : "s"), \(n(.error)) error\(n(.error) == 1 ? "" : "s")")
        return lines.joined(separator: "\n")
    }
}
