import ContentHash
import Foundation

/// What a model is for, what it is not for, what it was trained and evaluated on, its limitations, and
/// how to feed it and read it. Loaded from `model.card.json` next to the weights (Models/<model>/).
///
/// The `io` section describes inputs and outputs generically, so the same detector code can run a
/// hospital's own model: swap the weights and the card, keep the detector.
///
/// ```swift
/// let cardURL = URL(fileURLWithPath: "Models/ecg-rhythm/model.card.json")
/// let card = try ModelCard.load(from: cardURL)
/// try card.verifyWeights(cardURL: cardURL)      // throws if model.onnx is not the pinned file
/// let weights = card.weightsURL(cardURL: cardURL)
/// let afib = card.io.outputs[0].labels.first { $0.code == "afib" }!
/// let p = afib.calibratedProbability(raw: logit, kind: card.io.outputs[0].kind)
/// ```
///
/// Cards are validated when created and when loaded; see ``validate()`` for the rules and
/// docs/findings-schema.md for the JSON.
public struct ModelCard: Sendable, Hashable, Codable {
    /// The card schema versions this build reads.
    public static let supportedSchemaVersions = [1]

    /// Version of the card format (currently 1).
    public let schemaVersion: Int
    /// Model name (`"Vigil ECG rhythm ResNet-1D"`).
    public let name: String
    /// Model version (`"1.0.0"`); no whitespace.
    public let version: String
    /// The weights file, relative to the card's folder (`"model.onnx"`); never absolute, never `..`.
    public let weightsFile: String
    /// SHA-256 of the weights file, lowercase hex (uppercase is accepted and lowercased).
    public let weightsSHA256: String
    /// Intended use: population, setting, task, and who reads the output.
    public let intendedUse: String
    /// Uses the model must not be put to (at least one).
    public let notForUse: [String]
    /// What the model was trained on.
    public let trainingData: TrainingData
    /// Evaluation results, each tied to the dataset it was measured on (at least one).
    public let evaluation: [EvaluationResult]
    /// Known limitations (at least one).
    public let limitations: [String]
    /// Citations or URLs (papers, datasets, the model's origin); may be empty.
    public let references: [String]
    /// The model's inputs and outputs.
    public let io: ModelIO

    /// Creates a card, checking it with ``validate()``.
    public init(schemaVersion: Int = 1, name: String, version: String, weightsFile: String,
                weightsSHA256: String, intendedUse: String, notForUse: [String], trainingData: TrainingData,
                evaluation: [EvaluationResult], limitations: [String], references: [String] = [],
                io: ModelIO) throws
    {
        self.schemaVersion = schemaVersion
        self.name = name
        self.version = version
        self.weightsFile = weightsFile
        self.weightsSHA256 = weightsSHA256.lowercased()
        self.intendedUse = intendedUse
        self.notForUse = notForUse
        self.trainingData = trainingData
        self.evaluation = evaluation
        self.limitations = limitations
        self.references = references
        self.io = io
        try validate()
    }

    /// Checks the card:
    /// - `schemaVersion` is supported; `name`, `intendedUse` non-empty; `version` without whitespace;
    /// - `weightsFile` relative, without `..`; `weightsSHA256` 64 hex characters;
    /// - `notForUse`, `limitations`, `evaluation` non-empty, no empty strings;
    /// - every evaluation has a named dataset of size > 0 and at least one metric; metric values and
    ///   confidence intervals finite with `lower ≤ value ≤ upper`;
    /// - at least one input and one output; input shapes of `-1` (dynamic) or positive extents;
    ///   output labels non-empty, codes unique per output, `temperature > 0`, thresholds and
    ///   predictive values within 0…1, `preprocessing` free of non-finite numbers.
    /// - Throws: ``DetectorKitError/invalidValue(type:field:problem:)`` naming the field, or
    ///   ``DetectorKitError/unsupportedSchemaVersion(type:found:supported:)``.
    public func validate() throws {
        let check = FieldCheck(type: "ModelCard")
        if !Self.supportedSchemaVersions.contains(schemaVersion) {
            throw DetectorKitError.unsupportedSchemaVersion(
                type: "ModelCard", found: schemaVersion, supported: Self.supportedSchemaVersions)
        }
        try check.nonEmpty(name, "name")
        try check.token(version, "version")
        try check.nonEmpty(weightsFile, "weightsFile")
        if weightsFile.hasPrefix("/") || weightsFile.split(separator: "/").contains("..") {
            throw check.fail("weightsFile", "must be a path relative to the card's folder without '..', got '\(weightsFile)'")
        }
        try check.sha256(weightsSHA256, "weightsSHA256")
        try check.nonEmpty(intendedUse, "intendedUse")
        try nonEmptyList(notForUse, "notForUse", check)
        try nonEmptyList(limitations, "limitations", check)
        for (i, reference) in references.enumerated() { try check.nonEmpty(reference, "references[\(i)]") }
        try trainingData.validate(check, at: "trainingData")
        if evaluation.isEmpty {
            throw check.fail("evaluation", "must list at least one evaluation result (dataset and metrics)")
        }
        for (i, result) in evaluation.enumerated() { try result.validate(check, at: "evaluation[\(i)]") }
        try io.validate(check, at: "io")
    }

    private func nonEmptyList(_ list: [String], _ field: String, _ check: FieldCheck) throws {
        if list.isEmpty { throw check.fail(field, "must list at least one entry") }
        for (i, entry) in list.enumerated() { try check.nonEmpty(entry, "\(field)[\(i)]") }
    }

    private enum CodingKeys: String, CodingKey {
        case schemaVersion, name, version, weightsFile, weightsSHA256, intendedUse, notForUse, trainingData,
             evaluation, limitations, references, io
    }

    /// Decodes and validates. `schemaVersion` is read first, so a card from a newer format is reported
    /// as such rather than as missing fields. Every field is required except `references`.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let schemaVersion = try c.decode(Int.self, forKey: .schemaVersion)
        if !Self.supportedSchemaVersions.contains(schemaVersion) {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "unsupported schemaVersion \(schemaVersion)",
                underlyingError: DetectorKitError.unsupportedSchemaVersion(
                    type: "ModelCard", found: schemaVersion, supported: Self.supportedSchemaVersions)))
        }
        let name = try c.decode(String.self, forKey: .name)
        let version = try c.decode(String.self, forKey: .version)
        let weightsFile = try c.decode(String.self, forKey: .weightsFile)
        let weightsSHA256 = try c.decode(String.self, forKey: .weightsSHA256)
        let intendedUse = try c.decode(String.self, forKey: .intendedUse)
        let notForUse = try c.decode([String].self, forKey: .notForUse)
        let trainingData = try c.decode(TrainingData.self, forKey: .trainingData)
        let evaluation = try c.decode([EvaluationResult].self, forKey: .evaluation)
        let limitations = try c.decode([String].self, forKey: .limitations)
        let references = try c.decodeIfPresent([String].self, forKey: .references) ?? []
        let io = try c.decode(ModelIO.self, forKey: .io)
        self = try decoder.validating {
            try ModelCard(schemaVersion: schemaVersion, name: name, version: version, weightsFile: weightsFile,
                          weightsSHA256: weightsSHA256, intendedUse: intendedUse, notForUse: notForUse,
                          trainingData: trainingData, evaluation: evaluation, limitations: limitations,
                          references: references, io: io)
        }
    }

    /// Reads and validates the card at `url`.
    /// - Throws: ``DetectorKitError/modelCard(path:error:)`` wrapping what is wrong (unreadable file,
    ///   malformed JSON, missing field by path, invalid value, unsupported schema version).
    public static func load(from url: URL) throws -> ModelCard {
        do {
            let data: Data
            do {
                data = try Data(contentsOf: url)
            } catch {
                throw DetectorKitError.fileUnreadable(path: url.path, reason: (error as NSError).localizedDescription)
            }
            return try VigilJSON.decode(ModelCard.self, from: data)
        } catch let error as DetectorKitError {
            throw DetectorKitError.modelCard(path: url.path, error: error)
        }
    }

    /// The weights file's location for a card read from `cardURL`.
    public func weightsURL(cardURL: URL) -> URL {
        cardURL.deletingLastPathComponent().appendingPathComponent(weightsFile)
    }

    /// Computes the SHA-256 of the weights file (streamed) and compares it with ``weightsSHA256``.
    /// - Throws: ``DetectorKitError/weightsHashMismatch(path:expected:actual:)`` naming the file and
    ///   both digests, or ``DetectorKitError/fileUnreadable(path:reason:)`` when the file is missing.
    public func verifyWeights(cardURL: URL) throws {
        let url = weightsURL(cardURL: cardURL)
        let actual: String
        do {
            actual = try SHA256Digest.hex(ofFileAt: url)
        } catch let error as ContentHashError {
            throw DetectorKitError.fileUnreadable(path: url.path, reason: error.description)
        }
        if actual != weightsSHA256 {
            throw DetectorKitError.weightsHashMismatch(path: url.path, expected: weightsSHA256, actual: actual)
        }
    }
}

/// The data a model was trained on.
public struct TrainingData: Sendable, Hashable, Codable {
    /// What it is: population, size, labels, how labels were made.
    public let description: String
    /// Whether the data is synthetic (generated, not from patients).
    public let synthetic: Bool
    /// Where it comes from (dataset name and version, URL, institution).
    public let source: String

    /// Creates a training-data description.
    public init(description: String, synthetic: Bool, source: String) {
        self.description = description
        self.synthetic = synthetic
        self.source = source
    }

    func validate(_ check: FieldCheck, at field: String) throws {
        try check.nonEmpty(description, "\(field).description")
        try check.nonEmpty(source, "\(field).source")
    }
}

/// Metrics measured on one dataset. A metric cannot be stated without the data it was measured on.
///
/// ```swift
/// EvaluationResult(
///     dataset: DatasetDescription(name: "PTB-XL test fold 10", size: 2198, synthetic: false,
///                                 source: "physionet.org/content/ptb-xl/1.0.3"),
///     metrics: [Metric(name: "AUROC", value: 0.95, ci95: ConfidenceInterval(lower: 0.93, upper: 0.97),
///                      subgroup: "afib")])
/// ```
public struct EvaluationResult: Sendable, Hashable, Codable {
    /// The dataset the metrics were measured on.
    public let dataset: DatasetDescription
    /// The metrics (at least one).
    public let metrics: [Metric]

    /// Creates an evaluation result.
    public init(dataset: DatasetDescription, metrics: [Metric]) {
        self.dataset = dataset
        self.metrics = metrics
    }

    func validate(_ check: FieldCheck, at field: String) throws {
        try dataset.validate(check, at: "\(field).dataset")
        if metrics.isEmpty { throw check.fail("\(field).metrics", "must list at least one metric") }
        for (i, metric) in metrics.enumerated() { try metric.validate(check, at: "\(field).metrics[\(i)]") }
    }
}

/// An evaluation dataset.
public struct DatasetDescription: Sendable, Hashable, Codable {
    /// Its name (`"PTB-XL test fold 10"`).
    public let name: String
    /// Number of cases (records, studies, patients: say which in `name` or `source`), > 0.
    public let size: Int
    /// Whether the data is synthetic.
    public let synthetic: Bool
    /// Where it comes from.
    public let source: String

    /// Creates a dataset description.
    public init(name: String, size: Int, synthetic: Bool, source: String) {
        self.name = name
        self.size = size
        self.synthetic = synthetic
        self.source = source
    }

    func validate(_ check: FieldCheck, at field: String) throws {
        try check.nonEmpty(name, "\(field).name")
        if size <= 0 { throw check.fail("\(field).size", "must be > 0, got \(size)") }
        try check.nonEmpty(source, "\(field).source")
    }
}

/// One metric value, optionally with its 95 % confidence interval and the subgroup it applies to.
public struct Metric: Sendable, Hashable, Codable {
    /// The metric (`"AUROC"`, `"sensitivity"`, `"specificity"`, `"ECE"`).
    public let name: String
    /// Its value, finite.
    public let value: Double
    /// 95 % confidence interval, with `lower ≤ value ≤ upper`.
    public let ci95: ConfidenceInterval?
    /// The label or population subgroup (`"afib"`, `"age ≥ 80"`); nil for the whole dataset.
    public let subgroup: String?

    /// Creates a metric.
    public init(name: String, value: Double, ci95: ConfidenceInterval? = nil, subgroup: String? = nil) {
        self.name = name
        self.value = value
        self.ci95 = ci95
        self.subgroup = subgroup
    }

    func validate(_ check: FieldCheck, at field: String) throws {
        try check.nonEmpty(name, "\(field).name")
        try check.finite(value, "\(field).value")
        if let ci95 {
            try check.finite(ci95.lower, "\(field).ci95.lower")
            try check.finite(ci95.upper, "\(field).ci95.upper")
            if !(ci95.lower <= value && value <= ci95.upper) {
                throw check.fail("\(field).ci95", "must contain the value \(value), got [\(ci95.lower), \(ci95.upper)]")
            }
        }
        if let subgroup { try check.nonEmpty(subgroup, "\(field).subgroup") }
    }
}

/// A two-sided confidence interval.
public struct ConfidenceInterval: Sendable, Hashable, Codable {
    /// Lower bound.
    public let lower: Double
    /// Upper bound.
    public let upper: Double

    /// Creates an interval.
    public init(lower: Double, upper: Double) {
        self.lower = lower
        self.upper = upper
    }
}

/// A model's inputs and outputs.
public struct ModelIO: Sendable, Hashable, Codable {
    /// Inputs, in the order the model declares them (at least one).
    public let inputs: [ModelInputSpec]
    /// Outputs (at least one).
    public let outputs: [ModelOutputSpec]

    /// Creates an I/O description.
    public init(inputs: [ModelInputSpec], outputs: [ModelOutputSpec]) {
        self.inputs = inputs
        self.outputs = outputs
    }

    func validate(_ check: FieldCheck, at field: String) throws {
        if inputs.isEmpty { throw check.fail("\(field).inputs", "must list at least one input") }
        if outputs.isEmpty { throw check.fail("\(field).outputs", "must list at least one output") }
        for (i, input) in inputs.enumerated() { try input.validate(check, at: "\(field).inputs[\(i)]") }
        for (i, output) in outputs.enumerated() { try output.validate(check, at: "\(field).outputs[\(i)]") }
    }
}

/// One model input: its tensor name, shape, layout, and the preprocessing that produces it.
///
/// ```swift
/// ModelInputSpec(name: "ecg", shape: [-1, 12, 5000], layout: "batch × lead × sample, leads in `leads` order",
///                preprocessing: ["leads": ["I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6"],
///                                "sampleRateHz": 500, "lengthSamples": 5000, "scaling": "mV"])
/// ```
public struct ModelInputSpec: Sendable, Hashable, Codable {
    /// The tensor name in the model graph.
    public let name: String
    /// Extents, outermost first; `-1` marks a dynamic axis.
    public let shape: [Int]
    /// The meaning of each axis, in words.
    public let layout: String
    /// Free-form preprocessing parameters (leads, sampleRateHz, lengthSamples, scaling, HU window, …);
    /// the detector that reads this model documents which keys it uses.
    public let preprocessing: [String: JSONValue]

    /// Creates an input description.
    public init(name: String, shape: [Int], layout: String, preprocessing: [String: JSONValue] = [:]) {
        self.name = name
        self.shape = shape
        self.layout = layout
        self.preprocessing = preprocessing
    }

    func validate(_ check: FieldCheck, at field: String) throws {
        try check.nonEmpty(name, "\(field).name")
        if shape.isEmpty { throw check.fail("\(field).shape", "must have at least one axis") }
        for (i, extent) in shape.enumerated() where extent != -1 && extent <= 0 {
            throw check.fail("\(field).shape[\(i)]", "must be -1 (dynamic) or > 0, got \(extent)")
        }
        try check.nonEmpty(layout, "\(field).layout")
        for (key, value) in preprocessing where !value.isFinite {
            throw check.fail("\(field).preprocessing.\(key)", "contains a non-finite number")
        }
    }
}

/// What a model output holds.
public enum OutputKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Unnormalised scores; probability = sigmoid(logit / temperature).
    case logits
    /// Probabilities already; temperature (when ≠ 1) is applied on the logit scale.
    case probabilities
    /// Per-pixel (or per-sample) logits of a segmentation, one channel per label along axis 1
    /// (`[batch, labels, …spatial]`); probability = sigmoid(logit / temperature), thresholded per label.
    case maskLogits = "mask_logits"
}

/// One model output: tensor name, what it holds, and one label per position along its last axis.
public struct ModelOutputSpec: Sendable, Hashable, Codable {
    /// The tensor name in the model graph.
    public let name: String
    /// Logits or probabilities.
    public let kind: OutputKind
    /// Labels in output order (at least one; codes unique).
    public let labels: [OutputLabel]

    /// Creates an output description.
    public init(name: String, kind: OutputKind, labels: [OutputLabel]) {
        self.name = name
        self.kind = kind
        self.labels = labels
    }

    func validate(_ check: FieldCheck, at field: String) throws {
        try check.nonEmpty(name, "\(field).name")
        if labels.isEmpty { throw check.fail("\(field).labels", "must list at least one label") }
        var codes = Set<String>()
        for (i, label) in labels.enumerated() {
            try label.validate(check, at: "\(field).labels[\(i)]")
            if !codes.insert(label.code).inserted {
                throw check.fail("\(field).labels[\(i)].code", "'\(label.code)' appears more than once")
            }
        }
    }
}

/// One output label: its code and name, calibration, operating threshold and, optionally, predictive
/// values at a stated prevalence.
///
/// Outputs are read per label (multi-label, sigmoid); a model whose outputs are a softmax over
/// exclusive classes states `kind: probabilities` and temperature 1.
public struct OutputLabel: Sendable, Hashable, Codable {
    /// Stable code, used as ``Finding/code`` (`"afib"`).
    public let code: String
    /// Human label (`"Atrial fibrillation"`).
    public let label: String
    /// Temperature-scaling calibration, > 0 (1 = none). Defaults to 1 when absent from JSON.
    public let temperature: Double
    /// Operating threshold on the calibrated probability, 0…1.
    public let operatingThreshold: Double
    /// PPV and NPV at the operating threshold, at a stated prevalence.
    public let predictiveValues: PredictiveValues?

    /// Creates a label description.
    public init(code: String, label: String, temperature: Double = 1, operatingThreshold: Double,
                predictiveValues: PredictiveValues? = nil)
    {
        self.code = code
        self.label = label
        self.temperature = temperature
        self.operatingThreshold = operatingThreshold
        self.predictiveValues = predictiveValues
    }

    private enum CodingKeys: String, CodingKey { case code, label, temperature, operatingThreshold, predictiveValues }

    /// Decodes; `temperature` defaults to 1.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(code: try c.decode(String.self, forKey: .code),
                  label: try c.decode(String.self, forKey: .label),
                  temperature: try c.decodeIfPresent(Double.self, forKey: .temperature) ?? 1,
                  operatingThreshold: try c.decode(Double.self, forKey: .operatingThreshold),
                  predictiveValues: try c.decodeIfPresent(PredictiveValues.self, forKey: .predictiveValues))
    }

    /// The calibrated probability for a raw model output of this label.
    ///
    /// `logits`: `sigmoid(raw / temperature)`. `probabilities`: `raw` when temperature is 1, else
    /// `sigmoid(logit(raw) / temperature)`. The result is within 0…1; a NaN raw value gives NaN (the
    /// caller must abstain rather than report it).
    public func calibratedProbability(raw: Double, kind: OutputKind) -> Double {
        switch kind {
        case .logits, .maskLogits:
            return Self.sigmoid(raw / temperature)
        case .probabilities:
            if temperature == 1 || raw.isNaN { return raw.isNaN ? raw : min(1, max(0, raw)) }
            let p = min(1, max(0, raw))
            if p == 0 || p == 1 { return p }
            return Self.sigmoid(log(p / (1 - p)) / temperature)
        }
    }

    /// The decision for a calibrated probability at ``operatingThreshold``.
    public func decision(probability: Double) -> Decision {
        Decision(probability: probability, threshold: operatingThreshold)
    }

    static func sigmoid(_ x: Double) -> Double {
        x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x))
    }

    func validate(_ check: FieldCheck, at field: String) throws {
        try check.token(code, "\(field).code")
        try check.nonEmpty(label, "\(field).label")
        try check.finite(temperature, "\(field).temperature")
        if temperature <= 0 { throw check.fail("\(field).temperature", "must be > 0, got \(temperature)") }
        try check.unitInterval(operatingThreshold, "\(field).operatingThreshold")
        if let pv = predictiveValues {
            try check.unitInterval(pv.ppv, "\(field).predictiveValues.ppv")
            try check.unitInterval(pv.npv, "\(field).predictiveValues.npv")
            try check.unitInterval(pv.prevalence, "\(field).predictiveValues.prevalence")
            if pv.prevalence == 0 || pv.prevalence == 1 {
                throw check.fail("\(field).predictiveValues.prevalence", "must be strictly between 0 and 1, got \(pv.prevalence)")
            }
        }
    }
}

/// Positive and negative predictive value at the operating threshold, valid only at the stated
/// prevalence (they change with it).
public struct PredictiveValues: Sendable, Hashable, Codable {
    /// Positive predictive value, 0…1.
    public let ppv: Double
    /// Negative predictive value, 0…1.
    public let npv: Double
    /// The prevalence they were computed at, strictly between 0 and 1.
    public let prevalence: Double

    /// Creates predictive values.
    public init(ppv: Double, npv: Double, prevalence: Double) {
        self.ppv = ppv
        self.npv = npv
        self.prevalence = prevalence
    }
}
