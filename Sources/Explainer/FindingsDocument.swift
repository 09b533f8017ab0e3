import DetectorKit
import Foundation

/// A findings file as `vigil explain --findings FILE.json` reads it.
///
/// Accepted shapes (all Vigil JSON, see docs/findings-schema.md):
/// - one `DetectorOutcome` (`{"type": "findings", ...}` or `{"type": "abstained", ...}`);
/// - an array of `DetectorOutcome`s;
/// - one `Finding`, or an array of `Finding`s;
/// - `{"outcomes": [DetectorOutcome…], "modelCards": [ModelCard…]}` (model cards optional).
public struct FindingsDocument: Sendable {
    /// The outcomes in the file.
    public var outcomes: [DetectorOutcome]
    /// Model cards carried in the file (the `{"outcomes", "modelCards"}` shape only).
    public var modelCards: [ModelCard]

    private struct Bundle: Decodable {
        let outcomes: [DetectorOutcome]
        let modelCards: [ModelCard]?
    }

    /// Parses `data`; the error names the shapes tried.
    public init(data: Data, path: String = "(data)") throws {
        let json = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        do {
            switch json {
            case let object as [String: Any] where object["outcomes"] != nil:
                let bundle = try VigilJSON.decode(Bundle.self, from: data)
                outcomes = bundle.outcomes
                modelCards = bundle.modelCards ?? []
            case let object as [String: Any] where object["type"] != nil:
                outcomes = [try VigilJSON.decode(DetectorOutcome.self, from: data)]
                modelCards = []
            case is [String: Any]:
                outcomes = [.findings([try VigilJSON.decode(Finding.self, from: data)])]
                modelCards = []
            case let array as [Any]:
                if let first = array.first as? [String: Any], first["type"] != nil {
                    outcomes = try VigilJSON.decode([DetectorOutcome].self, from: data)
                } else {
                    outcomes = [.findings(try VigilJSON.decode([Finding].self, from: data))]
                }
                modelCards = []
            default:
                throw ExplainerError.findingsFile(
                    path: path,
                    problem: "not JSON, or not a DetectorOutcome, Finding, array of either, or {\"outcomes\": …}")
            }
        } catch let error as DetectorKitError {
            throw ExplainerError.findingsFile(path: path, problem: error.description)
        }
    }

    /// Reads and parses the file at `url`.
    public init(contentsOf url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ExplainerError.findingsFile(path: url.path, problem: "cannot read: \(error.localizedDescription)")
        }
        try self.init(data: data, path: url.path)
    }
}
