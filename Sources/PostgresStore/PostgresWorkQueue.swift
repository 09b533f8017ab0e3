import DetectorKit
import FindingsStore
import Foundation
import PostgresNIO

/// What a worker needs to read a queued input again: its path and what the batch source said of it.
public struct JobItem: Sendable, Hashable, Codable {
    /// The file (for WFDB, the `.hea` header), as the enqueuing machine saw it: workers need the same
    /// path (a shared file system).
    public var path: String
    /// The manifest's patient identifier, when it gave one (never logged).
    public var patientID: String?
    /// The manifest's acquisition time, when it gave one.
    public var acquiredAt: Date?
    /// Sampling rate in Hz for CSV files that do not state it.
    public var samplingRateHz: Double?
    /// Units of CSV values when the file does not state them.
    public var csvUnits: String?

    /// Creates an item.
    public init(path: String, patientID: String? = nil, acquiredAt: Date? = nil, samplingRateHz: Double? = nil,
                csvUnits: String? = nil)
    {
        self.path = path
        self.patientID = patientID
        self.acquiredAt = acquiredAt
        self.samplingRateHz = samplingRateHz
        self.csvUnits = csvUnits
    }
}

/// One input to enqueue: the input to register and how to read it.
public struct QueueEntry: Sendable, Hashable {
    /// Registered (by content) in the enqueuing transaction.
    public var input: NewInput
    /// Stored with each of its jobs.
    public var item: JobItem

    /// Creates an entry.
    public init(input: NewInput, item: JobItem) {
        self.input = input
        self.item = item
    }
}

/// What ``PostgresWorkQueue/enqueue(_:detectors:)`` did.
public struct EnqueueReport: Sendable, Hashable {
    /// Entries given.
    public var inputs = 0
    /// Of those, inputs not registered before.
    public var newInputs = 0
    /// Jobs added (one per input × detector not yet recorded and not already queued).
    public var jobs = 0
    /// (input, detector) pairs already recorded: nothing to do.
    public var alreadyRecorded = 0
    /// (input, detector) pairs already in the queue.
    public var alreadyQueued = 0
    /// Entries refused (the same content registered with another patient or study), with the reason
    /// (file name and the store's error; no identifiers).
    public var refused: [String] = []

    /// An empty report.
    public init() {}
}

/// A claimed job: the right, until ``expiresAt`` (extended by heartbeats), to record one (input,
/// detector) outcome. ``epoch`` is the fencing token: a later claim of the same job increments it, and a
/// commit with an older epoch is refused.
public struct JobLease: Sendable, Hashable {
    /// The job's row id.
    public let jobID: Int64
    /// The input.
    public let input: InputID
    /// The input's content SHA-256 as registered.
    public let contentSHA256: String
    /// The detector id and version the job is for.
    public let key: OutcomeKey
    /// The fencing token.
    public let epoch: Int64
    /// How many times the job has been claimed, this claim included.
    public let attempts: Int
    /// How to read the input.
    public let item: JobItem
}

/// What became of one lease at commit.
public enum LeaseCompletion: Sendable, Hashable {
    /// The outcome (or error) is recorded (or was already) and the job is gone.
    case committed(RecordResult?)
    /// Another worker holds the job now (this one's lease expired and was taken over): nothing written.
    case leaseLost
    /// The store refused the result (or the file changed); the job is parked with the reason.
    case parked(String)
}

/// Queue sizes by state.
public struct QueueCounts: Sendable, Hashable {
    /// Waiting (some maybe in backoff).
    public var queued = 0
    /// Held by a worker.
    public var leased = 0
    /// Poison: parked with a reason, not retried.
    public var parked = 0
    /// Queued or leased: work that is not finished.
    public var pending: Int { queued + leased }
}

/// A parked job and why.
public struct ParkedJob: Sendable, Hashable {
    /// The job's row id.
    public let jobID: Int64
    /// The input.
    public let input: InputID
    /// The detector.
    public let key: OutcomeKey
    /// Claims made.
    public let attempts: Int
    /// Why it was parked (names files and defects, never patient identifiers).
    public let reason: String
}

/// The work queue in the PostgreSQL findings store (table `jobs`, docs/scale-out.md): inputs to score
/// as rows (input × detector id × version), taken by any number of stateless workers with
/// `SELECT … FOR UPDATE SKIP LOCKED` under a lease with a fencing epoch. All times are the database
/// server's clock (`now()`), so workers' clocks do not matter.
public struct PostgresWorkQueue: Sendable {
    /// The NOTIFY channel on which enqueues wake idle workers.
    public static let channel = "vigil_jobs"

    /// The store whose database holds the queue.
    public let store: PostgresFindingsStore

    /// A queue in `store`'s database.
    public init(store: PostgresFindingsStore) { self.store = store }

    // MARK: Enqueue

    /// Registers each entry's input and adds one job per detector that has not recorded it and has no
    /// job for it yet, all in **one transaction**, then notifies idle workers. An entry the store
    /// refuses leaves nothing behind and is listed in ``EnqueueReport/refused``.
    public func enqueue(_ entries: [QueueEntry], detectors: [OutcomeKey]) async throws -> EnqueueReport {
        let ids = detectors.map(\.detectorID), versions = detectors.map(\.detectorVersion)
        var prepared: [(QueueEntry, String?, String)] = []
        var report = EnqueueReport()
        report.inputs = entries.count
        for entry in entries {
            do {
                let input = try StoreRules.input(entry.input)
                let metadata = try input.sourceMetadata.map { try StoreRules.json($0, field: "sourceMetadata") }
                prepared.append((QueueEntry(input: input, item: entry.item), metadata, try StoreRules.json(entry.item, field: "item")))
            } catch {
                report.refused.append("\(Self.label(entry.item.path)): \(error)")
            }
        }
        let at = Millis.round(store.now())
        let actor = store.actor
        let pairs = detectors.count
        let result = try await store.transaction("enqueuing jobs") { conn -> EnqueueReport in
            var r = report
            for (entry, metadata, itemJSON) in prepared {
                try await conn.run("SAVEPOINT vigil_entry")
                do {
                    let (stored, isNew) = try await PostgresFindingsStore.register(
                        conn, entry.input, metadata: metadata, at: at, actor: actor)
                    let input = stored.id.rawValue
                    let done = try await conn.rows("""
                        SELECT count(*) FROM outcomes o
                        JOIN unnest(\(ids)::text[], \(versions)::text[]) AS d(id, version)
                          ON o.detector_id = d.id AND o.detector_version = d.version
                        WHERE o.input_id = \(input)
                        """)[0].decode(Int64.self)
                    let added = try await conn.rows("""
                        INSERT INTO jobs (input_id, detector_id, detector_version, available_at, enqueued_at, item)
                        SELECT \(input), d.id, d.version, \(at), \(at), \(itemJSON)::jsonb
                        FROM unnest(\(ids)::text[], \(versions)::text[]) AS d(id, version)
                        WHERE NOT EXISTS (SELECT 1 FROM outcomes o WHERE o.input_id = \(input)
                                          AND o.detector_id = d.id AND o.detector_version = d.version)
                        ON CONFLICT (input_id, detector_id, detector_version) DO NOTHING
                        RETURNING id
                        """).count
                    try await conn.run("RELEASE SAVEPOINT vigil_entry")
                    if isNew { r.newInputs += 1 }
                    r.jobs += added
                    r.alreadyRecorded += Int(done)
                    r.alreadyQueued += pairs - Int(done) - added
                } catch let error as FindingsStoreError {
                    try await conn.run("ROLLBACK TO SAVEPOINT vigil_entry")
                    try await conn.run("RELEASE SAVEPOINT vigil_entry")
                    r.refused.append("\(Self.label(entry.item.path)): \(error)")
                }
            }
            try await PostgresFindingsStore.audit(
                conn, at: at, actor: actor, action: "queue.enqueue", object: "queue",
                details: ["inputs": .number(Double(r.inputs)), "jobs": .number(Double(r.jobs)),
                          "refused": .number(Double(r.refused.count))])
            if r.jobs > 0 { try await conn.run("SELECT pg_notify(\(Self.channel), \(String(r.jobs)))") }
            return r
        }
        store.log?("work queue: enqueued \(result.jobs) jobs for \(result.inputs) inputs (\(result.alreadyRecorded) already recorded, \(result.alreadyQueued) already queued, \(result.refused.count) refused)")
        return result
    }

    static func label(_ path: String) -> String { path.split(separator: "/").last.map(String.init) ?? "input" }

    // MARK: Claim, heartbeat

    /// Claims up to `limit` jobs for these detectors: first leases that expired (their worker died or
    /// hung), then queued jobs whose backoff is over, oldest first, skipping rows other workers are
    /// taking (`FOR UPDATE SKIP LOCKED`). Each claim increments the job's epoch and attempts. An expired
    /// job already claimed `maxAttempts` times is parked instead (a poison input that kills workers).
    public func claim(owner: String, detectors: [OutcomeKey], limit: Int, leaseSeconds: Double,
                      maxAttempts: Int) async throws -> [JobLease]
    {
        let keys = detectors.map { "\($0.detectorID) \($0.detectorVersion)" }
        let lease = leaseSeconds
        let leases = try await store.transaction("claiming jobs") { conn -> [JobLease] in
            let parked = try await conn.rows("""
                UPDATE jobs SET state = 'parked', lease_owner = NULL, lease_expires_at = NULL,
                    last_error = 'its lease expired after each of ' || attempts || ' claims: the worker scoring it died or hung'
                WHERE state = 'leased' AND lease_expires_at < now() AND attempts >= \(maxAttempts)
                RETURNING id
                """)
            if !parked.isEmpty { store.log?("work queue: parked \(parked.count) jobs whose workers kept dying") }
            var out: [JobLease] = []
            for condition in ["state = 'leased' AND lease_expires_at < now()", "state = 'queued' AND available_at <= now()"] {
                let want = limit - out.count
                guard want > 0 else { break }
                let rows = try await conn.rows("""
                    WITH picked AS (
                        SELECT id FROM jobs
                        WHERE \(unescaped: condition) AND (detector_id || ' ' || detector_version) = ANY(\(keys)::text[])
                        ORDER BY id LIMIT \(want) FOR UPDATE SKIP LOCKED)
                    UPDATE jobs j SET state = 'leased', lease_epoch = j.lease_epoch + 1, attempts = j.attempts + 1,
                        lease_owner = \(owner), lease_expires_at = now() + make_interval(secs => \(lease))
                    FROM picked, inputs i
                    WHERE j.id = picked.id AND i.id = j.input_id
                    RETURNING j.id, j.input_id, i.content_sha256, j.detector_id, j.detector_version, j.lease_epoch,
                              j.attempts, j.item::text
                    """)
                for row in rows {
                    let (id, input, sha, detectorID, version, epoch, attempts, itemJSON) =
                        try row.decode((Int64, Int64, String, String, String, Int64, Int32, String).self)
                    out.append(JobLease(
                        jobID: id, input: InputID(rawValue: input), contentSHA256: sha,
                        key: OutcomeKey(detectorID: detectorID, detectorVersion: version), epoch: epoch,
                        attempts: Int(attempts), item: try StoreRules.decode(JobItem.self, itemJSON, table: "jobs", id: id)))
                }
            }
            return out
        }
        return leases.sorted { $0.jobID < $1.jobID }
    }

    /// Extends the leases still held (same epoch) by `leaseSeconds` from now; returns the job ids still held.
    public func heartbeat(_ leases: [JobLease], leaseSeconds: Double) async throws -> Set<Int64> {
        guard !leases.isEmpty else { return [] }
        let ids = leases.map(\.jobID), epochs = leases.map(\.epoch)
        return try await store.transaction("extending leases") { conn in
            Set(try await conn.rows("""
                UPDATE jobs SET lease_expires_at = now() + make_interval(secs => \(leaseSeconds))
                FROM unnest(\(ids)::int8[], \(epochs)::int8[]) AS h(id, epoch)
                WHERE jobs.id = h.id AND jobs.lease_epoch = h.epoch AND jobs.state = 'leased'
                RETURNING jobs.id
                """).map { try $0.decode(Int64.self) })
        }
    }

    // MARK: Complete, release, park

    /// Commits one input's results, **only for the leases still held**: in one transaction it locks the
    /// jobs, keeps those whose epoch is still this lease's, registers the input (filling in the patient,
    /// study and time the file gave when the enqueue did not know them), records each held job's result
    /// under the exactly-once rule and deletes those jobs. Results of lost leases are not written.
    /// - Parameters:
    ///   - input: the input as read (its content SHA-256 must be the leased one, else the jobs are parked).
    ///   - parts: each lease with its result; nil when the detector had already recorded the input.
    public func complete(input: NewInput, parts: [(lease: JobLease, result: InputResults.RunResult?)]) async throws
        -> [Int64: LeaseCompletion]
    {
        guard !parts.isEmpty else { return [:] }
        let ids = parts.map(\.lease.jobID), epochs = parts.map(\.lease.epoch)
        let changed = parts.contains { $0.lease.contentSHA256 != input.contentSHA256.lowercased() }
        let at = Millis.round(store.now())
        let actor = store.actor
        let results = parts.compactMap(\.result)
        let prepared = PostgresFindingsStore.prepareBatch([InputResults(input: input, results: results)])
        return try await store.transaction("committing jobs") { conn -> [Int64: LeaseCompletion] in
            let held = Set(try await conn.rows("""
                SELECT jobs.id FROM jobs JOIN unnest(\(ids)::int8[], \(epochs)::int8[]) AS h(id, epoch)
                  ON jobs.id = h.id AND jobs.lease_epoch = h.epoch
                WHERE jobs.state = 'leased' FOR UPDATE OF jobs
                """).map { try $0.decode(Int64.self) })
            var out: [Int64: LeaseCompletion] = [:]
            for part in parts where !held.contains(part.lease.jobID) { out[part.lease.jobID] = .leaseLost }
            let heldParts = parts.filter { held.contains($0.lease.jobID) }
            guard !heldParts.isEmpty else { return out }
            let heldIDs = heldParts.map(\.lease.jobID)
            if changed {
                let reason = "\(Self.label(heldParts[0].lease.item.path)): the file's content changed since it was enqueued (SHA-256 differs)"
                try await Self.park(conn, heldIDs, reason)
                for id in heldIDs { out[id] = .parked(reason) }
                return out
            }
            // Only the held leases' results are written.
            let heldRuns = Set(heldParts.compactMap { $0.result?.run })
            var item = prepared[0]
            if case let .success(value) = item {
                item = .success((value.input, value.metadata, value.results.filter { heldRuns.contains($0.0) }))
            }
            let written = try await PostgresFindingsStore.writeBatch(conn, [item], at: at, actor: actor, fillIdentity: true)
            switch written[0] {
            case let .recorded(_, records):
                var byRun: [RunID: RecordResult] = [:]
                if case let .success(value) = item { for (r, record) in zip(value.results, records) { byRun[r.0] = record } }
                try await conn.run("DELETE FROM jobs WHERE id = ANY(\(heldIDs)::int8[])")
                for part in heldParts { out[part.lease.jobID] = .committed(part.result.flatMap { byRun[$0.run] }) }
            case let .refused(error):
                let reason = "\(Self.label(heldParts[0].lease.item.path)): \(error)"
                try await Self.park(conn, heldIDs, reason)
                for id in heldIDs { out[id] = .parked(reason) }
            }
            return out
        }
    }

    /// Gives leases back after a failure that may pass (file not readable yet, database error): each job
    /// still held is queued again after a backoff of `backoffSeconds × 2^(attempts−1)` (at most
    /// `backoffCap`), or parked with the reason once it has been claimed `maxAttempts` times.
    /// - Returns: the job ids parked.
    @discardableResult
    public func release(_ leases: [JobLease], reason: String, maxAttempts: Int, backoffSeconds: Double,
                        backoffCap: Double) async throws -> [Int64]
    {
        guard !leases.isEmpty else { return [] }
        let ids = leases.map(\.jobID), epochs = leases.map(\.epoch)
        return try await store.transaction("releasing jobs") { conn in
            try await conn.rows("""
                UPDATE jobs SET
                    state = CASE WHEN jobs.attempts >= \(maxAttempts) THEN 'parked' ELSE 'queued' END,
                    available_at = now() + make_interval(secs => LEAST(\(backoffCap)::float8,
                                                             \(backoffSeconds)::float8 * power(2.0::float8, (jobs.attempts - 1)::float8))),
                    lease_owner = NULL, lease_expires_at = NULL,
                    last_error = CASE WHEN jobs.attempts >= \(maxAttempts)
                                      THEN 'failed ' || jobs.attempts || ' times; last: ' || \(reason)
                                      ELSE \(reason) END
                FROM unnest(\(ids)::int8[], \(epochs)::int8[]) AS h(id, epoch)
                WHERE jobs.id = h.id AND jobs.lease_epoch = h.epoch AND jobs.state = 'leased'
                RETURNING jobs.id, jobs.state
                """).compactMap { row in
                let (id, state) = try row.decode((Int64, String).self)
                return state == "parked" ? id : nil
            }
        }
    }

    static func park(_ conn: PostgresConnection, _ ids: [Int64], _ reason: String) async throws {
        try await conn.run("""
            UPDATE jobs SET state = 'parked', lease_owner = NULL, lease_expires_at = NULL, last_error = \(reason)
            WHERE id = ANY(\(ids)::int8[])
            """)
    }

    // MARK: Status

    /// How many jobs are queued, leased and parked.
    public func counts() async throws -> QueueCounts {
        try await store.read("counting jobs") { conn in
            var counts = QueueCounts()
            for row in try await conn.rows("SELECT state, count(*) FROM jobs GROUP BY state") {
                let (state, n) = try row.decode((String, Int64).self)
                switch state {
                case "queued": counts.queued = Int(n)
                case "leased": counts.leased = Int(n)
                default: counts.parked += Int(n)
                }
            }
            return counts
        }
    }

    /// Parked jobs, oldest first, at most `limit`.
    public func parked(limit: Int = 100) async throws -> [ParkedJob] {
        try await store.read("listing parked jobs") { conn in
            try await conn.rows("""
                SELECT id, input_id, detector_id, detector_version, attempts, COALESCE(last_error, '')
                FROM jobs WHERE state = 'parked' ORDER BY id LIMIT \(limit)
                """).map { row in
                let (id, input, detectorID, version, attempts, reason) = try row.decode((Int64, Int64, String, String, Int32, String).self)
                return ParkedJob(jobID: id, input: InputID(rawValue: input),
                                 key: OutcomeKey(detectorID: detectorID, detectorVersion: version),
                                 attempts: Int(attempts), reason: reason)
            }
        }
    }

    // MARK: Wake-ups

    /// Listens on ``channel`` until cancelled, calling `wake` on each notification (and after each
    /// (re)connection, so nothing enqueued while it was away is missed). Holds one pooled connection;
    /// a broken connection is replaced after a second.
    public func listen(_ wake: @escaping @Sendable () -> Void) async {
        while !Task.isCancelled {
            do {
                try await store.client.withConnection { conn in
                    try await conn.listen(on: Self.channel) { notifications in
                        wake()
                        for try await _ in notifications { wake() }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                store.log?("work queue: listener connection lost; reconnecting")
                try? await Task.sleep(nanoseconds: 1_000_000_000)
            }
        }
    }
}
