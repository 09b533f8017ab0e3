import DetectorKit
import MCP

/// The registered detectors' model cards as MCP resources: `vigil://model-cards/{detectorId}`, JSON
/// (the card exactly as `vigil models` and the findings documents carry it).
public enum ModelCardResources {
    /// The URI prefix of model-card resources.
    public static let prefix = "vigil://model-cards/"

    /// `vigil://model-cards/{detectorId}`.
    public static func uri(detectorID: String) -> String { prefix + detectorID }

    /// One resource per detector with a model card, sorted by detector id.
    public static func list(_ registry: DetectorRegistry) -> [Resource] {
        registry.detectors.compactMap { d in
            d.modelCard.map { card in
                Resource(name: "\(d.id) model card", uri: uri(detectorID: d.id),
                         title: "Model card: \(card.name) \(card.version)",
                         description: "Intended use, training data"
                             + (card.trainingData.synthetic ? " (synthetic only)" : "")
                             + ", evaluation with the data it was measured on, limitations, for detector \(d.id).",
                         mimeType: "application/json")
            }
        }
    }

    /// The detector id and card that `uri` names, or nil.
    public static func card(uri: String, in registry: DetectorRegistry) -> (String, ModelCard)? {
        guard uri.hasPrefix(prefix) else { return nil }
        let id = String(uri.dropFirst(prefix.count))
        guard let card = registry.detector(id: id)?.modelCard else { return nil }
        return (id, card)
    }
}
