import ArgumentParser
import Foundation
import VigilJobs

/// Checks commands run in `validate()`, before they read, create or write anything: a wrong argument
/// fails with a message naming the option, and leaves no file or database behind.
enum ArgumentChecks {
    /// `path` exists (a file or a folder).
    static func existing(_ path: String, _ what: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { throw ValidationError("\(what) \(path): no such file or folder") }
    }

    /// `path` is an existing folder.
    static func existingFolder(_ path: String, option: String) throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw ValidationError("\(option) \(path): no such folder")
        }
        guard isFolder.boolValue else { throw ValidationError("\(option) \(path): is a file, not a folder") }
    }

    /// A file the command will write: not a folder, and its folder exists.
    static func outputFile(_ path: String, option: String) throws {
        guard !path.isEmpty else { throw ValidationError("\(option): empty path") }
        let fm = FileManager.default
        var isFolder: ObjCBool = false
        if fm.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            throw ValidationError("\(option) \(path): is a folder; give a file name")
        }
        let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard fm.fileExists(atPath: parent, isDirectory: &isFolder), isFolder.boolValue else {
            throw ValidationError("\(option) \(path): the folder \(parent) does not exist")
        }
    }

    /// A folder the command will create if needed: not an existing file.
    static func outputFolder(_ path: String, option: String) throws {
        guard !path.isEmpty else { throw ValidationError("\(option): empty path") }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue {
            throw ValidationError("\(option) \(path): is a file, not a folder")
        }
    }

    /// A findings store path or URL (`mustExist`: the command reads a store and must not create one).
    static func store(_ db: String, mustExist: Bool) throws {
        try job { try StoreArgument.check(db, mustExist: mustExist) }
    }

    /// The CSV reading options: a positive sampling rate, a voltage unit the CSV reader knows.
    static func csv(rate: Double?, units: String?) throws {
        if let rate, !(rate.isFinite && rate > 0 && rate <= 100_000) {
            throw ValidationError("--rate must be a sampling rate in Hz above 0 (at most 100000), got \(rate)")
        }
        if let units {
            let known = ["mv", "millivolt", "millivolts", "uv", "µv", "μv", "microvolt", "microvolts", "nv", "nanovolt", "nanovolts", "v", "volt", "volts"]
            guard known.contains(units.trimmingCharacters(in: .whitespaces).lowercased()) else {
                throw ValidationError("--units must be mV, uV or V, got '\(units)'")
            }
        }
    }

    /// A whole number at least `minimum`.
    static func atLeast(_ value: Int?, _ minimum: Int, _ option: String) throws {
        if let value, value < minimum { throw ValidationError("\(option) must be at least \(minimum), got \(value)") }
    }

    /// A finite number above zero.
    static func positive(_ value: Double?, _ option: String) throws {
        if let value, !(value.isFinite && value > 0) { throw ValidationError("\(option) must be a number above 0, got \(value)") }
    }

    /// Runs a job's check or the job itself, its refusals shown as usage errors (as ArgumentParser's own).
    static func job<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as JobError { throw ValidationError(e.description) }
    }

    /// The same for async jobs.
    static func job<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let e as JobError { throw ValidationError(e.description) }
    }
}
