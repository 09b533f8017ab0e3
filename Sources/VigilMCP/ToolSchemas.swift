import MCP

/// The JSON Schemas (2020-12) of the MCP tools' inputs and outputs. Output schemas describe exactly what
/// ``AssistantView`` encodes, so a client that validates structured content (the Python SDK does) accepts it.
enum ToolSchemas {
    // MARK: Building blocks

    static let string: Value = ["type": "string"]
    static let integer: Value = ["type": "integer"]
    static let number: Value = ["type": "number"]
    static let boolean: Value = ["type": "boolean"]
    static let timestamp: Value = ["type": "string", "format": "date-time",
                                   "description": "ISO-8601 UTC with milliseconds"]
    static let probability: Value = ["type": "number", "minimum": 0, "maximum": 1]

    static func array(_ items: Value) -> Value { ["type": "array", "items": items] }

    static func object(_ properties: [String: Value], required: [String], closed: Bool = false,
                       description: String? = nil) -> Value
    {
        var o: [String: Value] = ["type": "object", "properties": .object(properties),
                                  "required": .array(required.map(Value.string))]
        if closed { o["additionalProperties"] = false }
        if let description { o["description"] = .string(description) }
        return .object(o)
    }

    static let provenance = object([
        "id": string, "version": string, "modelName": string, "modelVersion": string, "modelSHA256": string,
    ], required: ["id", "version"], description: "The detector and model that produced the result")

    static let measurement = object([
        "name": string, "value": number, "unit": string,
        "reference": object(["value": number, "source": string], required: ["value", "source"]),
    ], required: ["name", "value", "unit"])

    static let evidence = object([
        "type": ["type": "string", "enum": ["leadSpan", "slice", "image", "measurementRef", "text"]],
        "lead": string, "startSeconds": number, "endSeconds": number, "index": integer,
        "region": object(["x": integer, "y": integer, "width": integer, "height": integer],
                         required: ["x", "y", "width", "height"]),
        "note": string, "caption": string, "name": string, "text": string,
    ], required: ["type"], description: "What a finding points at (image evidence: caption only)")

    static let finding = object([
        "code": string, "label": string,
        "codings": array(object(["system": string, "code": string, "display": string], required: ["system", "code"])),
        "probability": probability, "threshold": probability,
        "decision": ["type": "string", "enum": ["positive", "negative", "indeterminate"]],
        "measurements": array(measurement), "evidence": array(evidence), "detector": provenance,
        "createdAt": timestamp,
    ], required: ["code", "label", "codings", "decision", "measurements", "evidence", "detector", "createdAt"])

    static let abstention = object([
        "reason": string, "message": string, "detector": provenance,
        "details": ["type": "object"], "createdAt": timestamp,
    ], required: ["reason", "message", "detector", "details", "createdAt"])

    static let inputID: Value = ["type": "integer", "minimum": 1,
                                 "description": "The stored input's id (the inputId of a scored record)"]

    // MARK: list_detectors

    static let listDetectorsInput = object([:], required: [], closed: true)
    static let listDetectorsOutput = object([
        "detectors": array(object([
            "id": string, "name": string, "version": string, "inputKind": string,
            "model": object([
                "name": string, "version": string, "weightsSHA256": string, "intendedUse": string,
                "syntheticTrainingData": boolean, "cardUri": string,
            ], required: ["name", "version", "weightsSHA256", "intendedUse", "syntheticTrainingData", "cardUri"]),
        ], required: ["id", "name", "version", "inputKind"])),
    ], required: ["detectors"])

    // MARK: get_findings

    static let getFindingsInput = object(["inputId": inputID], required: ["inputId"], closed: true)
    static let getFindingsOutput = object([
        "inputId": integer, "kind": string, "registeredAt": timestamp,
        "findings": array(finding), "abstentions": array(abstention),
        "errorCount": ["type": "integer", "minimum": 0,
                       "description": "Detector runs that failed on this input (messages not shared)"],
    ], required: ["inputId", "kind", "registeredAt", "findings", "abstentions", "errorCount"])

    // MARK: explain_findings

    static let maxQuestionLength = 1000
    static let explainInput = object([
        "inputId": inputID,
        "audience": ["type": "string", "enum": ["patient", "clinician"], "default": "patient",
                     "description": "patient: plain words, no model numbers; clinician: probabilities and operating points"],
        "question": ["type": "string", "minLength": 1, "maxLength": .int(maxQuestionLength),
                     "description": "The user's question; answered only from the findings"],
    ], required: ["inputId"], closed: true)
    static let explainOutput = object([
        "inputId": integer,
        "audience": ["type": "string", "enum": ["patient", "clinician"]],
        "text": string,
        "claims": array(object(["text": string, "codes": array(string), "measurements": array(string)],
                               required: ["text", "codes", "measurements"])),
        "doesNotMean": array(string), "nextSteps": array(string), "urgent": string,
        "question": object(["question": string, "answerable": boolean, "text": string, "entries": array(string)],
                           required: ["question", "answerable", "text", "entries"]),
        "modelLimits": array(string), "sources": array(string),
        "backend": object([
            "requested": ["type": "string", "enum": ["template", "openai"]],
            "used": ["type": "string", "enum": ["template", "openai"]],
            "model": string, "fallbackReason": string, "failure": string, "pending": boolean,
        ], required: ["requested", "used"]),
        "readingGrade": number,
        "findingsSHA256": ["type": "string", "pattern": "^[0-9a-f]{64}$"],
    ], required: ["inputId", "audience", "text", "claims", "doesNotMean", "nextSteps", "modelLimits", "sources",
                  "backend", "findingsSHA256"])

    // MARK: get_worklist

    static let maxWorklistLimit = 200
    static let defaultWorklistLimit = 20
    static let worklistInput = object([
        "limit": ["type": "integer", "minimum": 1, "maximum": .int(maxWorklistLimit), "default": .int(defaultWorklistLimit),
                  "description": "How many entries, from the top of the worklist"],
    ], required: [], closed: true)
    static let worklistOutput = object([
        "entries": array(object([
            "rank": ["type": "integer", "minimum": 1], "inputId": integer, "tag": string, "priority": integer,
            "score": number, "modelVersion": string, "arrivedAt": timestamp, "taggedAt": timestamp,
        ], required: ["rank", "arrivedAt"])),
        "total": ["type": "integer", "minimum": 0],
    ], required: ["entries", "total"])
}
