/// Vigil's release version, shown by `vigil --version` and `vigil doctor`.
public enum VigilVersion {
    /// Semantic version of this build.
    public static let string = "0.2.0"
}
