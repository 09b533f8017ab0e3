import Foundation

/// Where the shipped detectors look for their model folders: `$VIGIL_MODELS` when set, else `Models`
/// under the current directory (the repository root when Vigil runs from a checkout).
///
/// ```swift
/// let folder = ModelsDirectory.resolve().appendingPathComponent("ecg-cnn")
/// ```
public enum ModelsDirectory {
    /// The environment variable that overrides the default.
    public static let environmentVariable = "VIGIL_MODELS"

    /// `$VIGIL_MODELS`, else `./Models`.
    public static func resolve(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let env = environment[environmentVariable], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Models")
    }
}
