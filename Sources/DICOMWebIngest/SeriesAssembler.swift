import Foundation

/// A series that received no new instance for the quiet time.
public struct CompletedSeries: Sendable, Hashable {
    /// Study Instance UID.
    public let study: String
    /// Series Instance UID.
    public let series: String
    /// Distinct SOP instances received.
    public let instances: Int
    /// When its first instance arrived.
    public let firstArrival: Date
    /// When its last instance arrived.
    public let lastArrival: Date
}

/// A study whose every open series is complete: what goes on the worklist.
public struct CompletedStudy: Sendable, Hashable {
    /// Study Instance UID (the worklist's study id).
    public let study: String
    /// The study's spool folder (all its series).
    public let folder: URL
    /// The series completed now.
    public let series: [CompletedSeries]
    /// When the study's first instance arrived (its worklist arrival time).
    public var firstArrival: Date { series.map(\.firstArrival).min() ?? Date(timeIntervalSince1970: 0) }
}

/// Groups arriving instances into series and reports a series complete once no new instance has arrived
/// for `quietTime` (DICOM has no "end of series" signal; PACS send a series as a burst). A study is handed on
/// when all its open series are complete, so that a study sent as several series is scored once, with all
/// of them.
///
/// Time comes from the injected `now` (tests step it by hand); ``run(pollInterval:onComplete:)`` polls it
/// in a service. Memory is bounded: at most `maxOpenSeries` series are tracked, and only their UIDs and
/// counts (the instances themselves are in the ``InstanceSpool``).
public actor SeriesAssembler {
    /// Seconds without a new instance after which a series is complete (default 10 s).
    public let quietTime: TimeInterval
    /// Most series tracked at once; instances of further series are still stored, and their series is
    /// tracked as soon as room frees up.
    public let maxOpenSeries: Int
    private let spool: InstanceSpool
    private let now: @Sendable () -> Date

    private struct Open {
        var sops: Set<String> = []
        var first: Date
        var last: Date
    }
    private var open: [String: [String: Open]] = [:]   // study → series → state
    private var count = 0

    /// Creates an assembler over `spool`.
    /// - Parameters:
    ///   - quietTime: seconds without a new instance before a series is complete (> 0).
    ///   - now: the clock (`Date.init` in a service; a hand-stepped clock in tests).
    public init(spool: InstanceSpool, quietTime: TimeInterval = 10, maxOpenSeries: Int = 10_000,
                now: @escaping @Sendable () -> Date = { Date() }) {
        precondition(quietTime > 0 && maxOpenSeries > 0)
        self.spool = spool
        self.quietTime = quietTime
        self.maxOpenSeries = maxOpenSeries
        self.now = now
    }

    /// Notes that an instance arrived (after it was written to the spool).
    /// - Returns: false when the series could not be tracked (`maxOpenSeries` reached).
    @discardableResult
    public func received(study: String, series: String, sop: String) -> Bool {
        let t = now()
        if var s = open[study]?[series] {
            s.sops.insert(sop)
            s.last = t
            open[study]![series] = s
            return true
        }
        guard count < maxOpenSeries else { return false }
        open[study, default: [:]][series] = Open(sops: [sop], first: t, last: t)
        count += 1
        return true
    }

    /// Tracks again the studies in the spool that were never put on the worklist (after a restart), as if
    /// their instances had just arrived.
    /// - Returns: how many series were resumed.
    @discardableResult
    public func resumeFromSpool() -> Int {
        var n = 0
        for (study, seriesList) in spool.unlistedStudies() {
            for series in seriesList {
                let folder = spool.seriesFolder(study: study, series: series)
                let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".dcm") }
                for f in files { received(study: study, series: series, sop: String(f.dropLast(4))) }
                if !files.isEmpty { n += 1 }
            }
        }
        return n
    }

    /// Series still receiving.
    public var openSeriesCount: Int { count }

    /// Removes and returns the studies whose open series are all complete (quiet for `quietTime`).
    public func takeCompletedStudies() -> [CompletedStudy] {
        let t = now()
        var done: [CompletedStudy] = []
        for (study, seriesMap) in open.sorted(by: { $0.key < $1.key }) {
            guard seriesMap.values.allSatisfy({ t.timeIntervalSince($0.last) >= quietTime }) else { continue }
            let series = seriesMap.sorted(by: { $0.key < $1.key }).map { key, s in
                CompletedSeries(study: study, series: key, instances: s.sops.count, firstArrival: s.first, lastArrival: s.last)
            }
            done.append(CompletedStudy(study: study, folder: spool.studyFolder(study), series: series))
            open[study] = nil
            count -= seriesMap.count
        }
        return done
    }

    /// Polls every `pollInterval` until the task is cancelled, handing each completed study to
    /// `onComplete` (one at a time, in order).
    public func run(pollInterval: Duration = .seconds(1), onComplete: @Sendable (CompletedStudy) async -> Void) async {
        while !Task.isCancelled {
            for study in takeCompletedStudies() { await onComplete(study) }
            try? await Task.sleep(for: pollInterval)
        }
    }
}
