import Foundation

/// The FHIR R4 (4.0.1) structure rules the export must meet, encoded here from the specification
/// (hl7.org/fhir/R4: bundle.html, observation.html, diagnosticreport.html, device.html, datatypes.html)
/// for the elements Vigil writes: required elements and cardinalities, required value sets (status
/// codes, Bundle.type, Device name types), the invariants obs-6, obs-7, qty-3, bdl-7 and ele-1, the id
/// and dateTime/instant formats, and that references resolve inside the bundle to the right resource
/// type. Unknown element names are errors too (so a typo cannot pass).
///
/// Independent of the exporter: it reads plain JSON.
struct FHIRR4Shape {
    private(set) var problems: [String] = []

    static let bundleTypes: Set<String> = ["document", "message", "transaction", "transaction-response", "batch",
                                           "batch-response", "history", "searchset", "collection"]
    static let observationStatus: Set<String> = ["registered", "preliminary", "final", "amended", "corrected",
                                                 "cancelled", "entered-in-error", "unknown"]
    static let reportStatus: Set<String> = ["registered", "partial", "preliminary", "final", "amended", "corrected",
                                            "appended", "cancelled", "entered-in-error", "unknown"]
    static let deviceStatus: Set<String> = ["active", "inactive", "entered-in-error", "unknown"]
    static let deviceNameTypes: Set<String> = ["udi-label-name", "user-friendly-name", "patient-reported-name",
                                               "manufacturer-name", "model-name", "other"]
    static let observationElements: Set<String> = [
        "resourceType", "id", "meta", "text", "identifier", "basedOn", "partOf", "status", "category", "code", "subject",
        "focus", "encounter", "effectiveDateTime", "effectivePeriod", "effectiveTiming", "effectiveInstant", "issued",
        "performer", "valueQuantity", "valueCodeableConcept", "valueString", "valueBoolean", "valueInteger", "valueRange",
        "valueRatio", "valueSampledData", "valueTime", "valueDateTime", "valuePeriod", "dataAbsentReason", "interpretation",
        "note", "bodySite", "method", "specimen", "device", "referenceRange", "hasMember", "derivedFrom", "component",
    ]
    static let reportElements: Set<String> = [
        "resourceType", "id", "meta", "text", "identifier", "basedOn", "status", "category", "code", "subject", "encounter",
        "effectiveDateTime", "effectivePeriod", "issued", "performer", "resultsInterpreter", "specimen", "result",
        "imagingStudy", "media", "conclusion", "conclusionCode", "presentedForm",
    ]
    static let deviceElements: Set<String> = [
        "resourceType", "id", "meta", "text", "identifier", "definition", "udiCarrier", "status", "statusReason",
        "distinctIdentifier", "manufacturer", "manufactureDate", "expirationDate", "lotNumber", "serialNumber", "deviceName",
        "modelNumber", "partNumber", "type", "specialization", "version", "property", "patient", "owner", "contact",
        "location", "url", "note", "safety", "parent", "extension",
    ]
    /// Provenance (R4 provenance.html).
    static let provenanceElements: Set<String> = [
        "resourceType", "id", "meta", "text", "extension", "target", "occurredPeriod", "occurredDateTime", "recorded",
        "policy", "location", "reason", "activity", "agent", "entity", "signature",
    ]
    /// Meta (R4 resource.html#Meta).
    static let metaElements: Set<String> = ["versionId", "lastUpdated", "source", "profile", "security", "tag"]
    static let componentElements: Set<String> = [
        "code", "valueQuantity", "valueCodeableConcept", "valueString", "valueBoolean", "valueInteger", "valueRange",
        "valueRatio", "valueSampledData", "valueTime", "valueDateTime", "valuePeriod", "dataAbsentReason",
        "interpretation", "referenceRange",
    ]

    init(bundle data: Data) {
        guard let any = try? JSONSerialization.jsonObject(with: data), let bundle = any as? [String: Any] else {
            problems.append("not a JSON object")
            return
        }
        check(bundle)
    }

    private mutating func fail(_ path: String, _ problem: String) { problems.append("\(path): \(problem)") }

    private mutating func check(_ bundle: [String: Any]) {
        if bundle["resourceType"] as? String != "Bundle" { fail("Bundle", "resourceType must be Bundle") }
        guard let type = bundle["type"] as? String, Self.bundleTypes.contains(type) else {
            fail("Bundle.type", "required, from the bundle-type value set")
            return
        }
        if let ts = bundle["timestamp"] { instant(ts, "Bundle.timestamp") }
        let entries = bundle["entry"] as? [[String: Any]] ?? []
        var byURL: [String: String] = [:]
        for (i, entry) in entries.enumerated() {
            guard let url = entry["fullUrl"] as? String, !url.isEmpty else { fail("Bundle.entry[\(i)]", "fullUrl missing"); continue }
            if !(url.hasPrefix("urn:uuid:") || url.hasPrefix("http")) { fail("Bundle.entry[\(i)].fullUrl", "not an absolute URI") }
            if byURL[url] != nil { fail("Bundle.entry[\(i)].fullUrl", "bdl-7: duplicate fullUrl \(url)") }
            let type = (entry["resource"] as? [String: Any])?["resourceType"] as? String
            guard let type else { fail("Bundle.entry[\(i)].resource", "missing or without resourceType"); continue }
            byURL[url] = type
        }
        for (i, entry) in entries.enumerated() {
            guard let resource = entry["resource"] as? [String: Any] else { continue }
            let path = "Bundle.entry[\(i)].resource"
            notEmpty(resource, path)
            if let meta = resource["meta"] { self.meta(meta, "\(path).meta") }
            if let id = resource["id"] as? String, id.range(of: "^[A-Za-z0-9\\-\\.]{1,64}$", options: .regularExpression) == nil {
                fail("\(path).id", "does not match [A-Za-z0-9-.]{1,64}")
            }
            if let url = entry["fullUrl"] as? String, url.hasPrefix("urn:uuid:"), let id = resource["id"] as? String,
               url != "urn:uuid:\(id)" { fail(path, "id differs from the fullUrl's UUID") }
            switch resource["resourceType"] as? String {
            case "Observation": observation(resource, path, byURL)
            case "DiagnosticReport": report(resource, path, byURL)
            case "Device": device(resource, path)
            case "Provenance": provenance(resource, path, byURL)
            default: fail(path, "unexpected resource type \(resource["resourceType"] ?? "nil")")
            }
        }
    }

    private mutating func observation(_ o: [String: Any], _ path: String, _ urls: [String: String]) {
        unknownElements(o, Self.observationElements, path)
        guard let status = o["status"] as? String, Self.observationStatus.contains(status) else {
            fail("\(path).status", "required, from ObservationStatus"); return
        }
        codeableConcept(o["code"], "\(path).code", required: true)
        let values = o.keys.filter { $0.hasPrefix("value") }
        if values.count > 1 { fail(path, "more than one value[x]") }
        if !values.isEmpty && o["dataAbsentReason"] != nil { fail(path, "obs-6: dataAbsentReason with a value") }
        if let q = o["valueQuantity"] { quantity(q, "\(path).valueQuantity") }
        if let c = o["valueCodeableConcept"] { codeableConcept(c, "\(path).valueCodeableConcept", required: true) }
        if let d = o["dataAbsentReason"] { codeableConcept(d, "\(path).dataAbsentReason", required: true) }
        for (k, c) in (o["interpretation"] as? [Any] ?? []).enumerated() { codeableConcept(c, "\(path).interpretation[\(k)]", required: true) }
        if let m = o["method"] { codeableConcept(m, "\(path).method", required: true) }
        if let s = o["subject"] { reference(s, "\(path).subject", urls, allowed: ["Patient", "Group", "Device", "Location"]) }
        if let d = o["device"] { reference(d, "\(path).device", urls, allowed: ["Device", "DeviceMetric"]) }
        if let e = o["effectiveDateTime"] { dateTime(e, "\(path).effectiveDateTime") }
        if let i = o["issued"] { instant(i, "\(path).issued") }
        for (k, n) in (o["note"] as? [[String: Any]] ?? []).enumerated() where (n["text"] as? String ?? "").isEmpty {
            fail("\(path).note[\(k)].text", "Annotation.text is required")
        }
        let ownCodes = codings(o["code"])
        for (k, any) in (o["component"] as? [Any] ?? []).enumerated() {
            let cp = "\(path).component[\(k)]"
            guard let c = any as? [String: Any] else { fail(cp, "not an object"); continue }
            unknownElements(c, Self.componentElements, cp)
            codeableConcept(c["code"], "\(cp).code", required: true)
            let cValues = c.keys.filter { $0.hasPrefix("value") }
            if cValues.count > 1 { fail(cp, "more than one value[x]") }
            if let q = c["valueQuantity"] { quantity(q, "\(cp).valueQuantity") }
            if !codings(c["code"]).isDisjoint(with: ownCodes) && !values.isEmpty {
                fail(cp, "obs-7: component code equals the Observation code while the Observation has a value")
            }
        }
    }

    private mutating func report(_ r: [String: Any], _ path: String, _ urls: [String: String]) {
        unknownElements(r, Self.reportElements, path)
        guard let status = r["status"] as? String, Self.reportStatus.contains(status) else {
            fail("\(path).status", "required, from DiagnosticReportStatus"); return
        }
        codeableConcept(r["code"], "\(path).code", required: true)
        for (k, c) in (r["category"] as? [Any] ?? []).enumerated() { codeableConcept(c, "\(path).category[\(k)]", required: true) }
        if let s = r["subject"] { reference(s, "\(path).subject", urls, allowed: ["Patient", "Group", "Device", "Location"]) }
        for (k, ref) in (r["result"] as? [Any] ?? []).enumerated() {
            reference(ref, "\(path).result[\(k)]", urls, allowed: ["Observation"], mustResolve: true)
        }
        for (k, id) in (r["identifier"] as? [[String: Any]] ?? []).enumerated() where id["value"] == nil && id["system"] == nil {
            fail("\(path).identifier[\(k)]", "empty identifier")
        }
        if let i = r["issued"] { instant(i, "\(path).issued") }
        if let e = r["effectiveDateTime"] { dateTime(e, "\(path).effectiveDateTime") }
    }

    private mutating func device(_ d: [String: Any], _ path: String) {
        unknownElements(d, Self.deviceElements, path)
        if let status = d["status"], !(status is String && Self.deviceStatus.contains(status as! String)) {
            fail("\(path).status", "not from FHIRDeviceStatus")
        }
        for (k, n) in (d["deviceName"] as? [[String: Any]] ?? []).enumerated() {
            if (n["name"] as? String ?? "").isEmpty { fail("\(path).deviceName[\(k)].name", "required") }
            if !Self.deviceNameTypes.contains(n["type"] as? String ?? "") { fail("\(path).deviceName[\(k)].type", "required, from DeviceNameType") }
        }
        for (k, v) in (d["version"] as? [[String: Any]] ?? []).enumerated() where (v["value"] as? String ?? "").isEmpty {
            fail("\(path).version[\(k)].value", "required")
        }
    }

    private mutating func provenance(_ p: [String: Any], _ path: String, _ urls: [String: String]) {
        unknownElements(p, Self.provenanceElements, path)
        let targets = p["target"] as? [Any] ?? []
        if targets.isEmpty { fail("\(path).target", "required, 1..*") }
        for (k, t) in targets.enumerated() {
            reference(t, "\(path).target[\(k)]", urls, allowed: Set(urls.values), mustResolve: true)
        }
        guard let recorded = p["recorded"] else { fail("\(path).recorded", "required"); return }
        instant(recorded, "\(path).recorded")
        let agents = p["agent"] as? [[String: Any]] ?? []
        if agents.isEmpty { fail("\(path).agent", "required, 1..*") }
        for (k, a) in agents.enumerated() {
            for key in a.keys.sorted() where !["type", "role", "who", "onBehalfOf"].contains(key) {
                fail("\(path).agent[\(k)].\(key)", "not an element of Provenance.agent")
            }
            guard let who = a["who"] else { fail("\(path).agent[\(k)].who", "required"); continue }
            reference(who, "\(path).agent[\(k)].who", urls,
                      allowed: ["Practitioner", "PractitionerRole", "RelatedPerson", "Patient", "Device", "Organization"])
            if let t = a["type"] { codeableConcept(t, "\(path).agent[\(k)].type", required: false) }
        }
        for (k, r) in (p["reason"] as? [Any] ?? []).enumerated() { codeableConcept(r, "\(path).reason[\(k)]", required: true) }
        if let a = p["activity"] { codeableConcept(a, "\(path).activity", required: true) }
    }

    private mutating func meta(_ any: Any, _ path: String) {
        guard let m = any as? [String: Any] else { fail(path, "not a Meta"); return }
        unknownElements(m, Self.metaElements, path)
        for (k, c) in (m["security"] as? [[String: Any]] ?? []).enumerated() {
            if !((c["system"] as? String)?.contains(":") ?? false) || (c["code"] as? String ?? "").isEmpty {
                fail("\(path).security[\(k)]", "a Coding needs system and code")
            }
        }
        for (k, p) in (m["profile"] as? [Any] ?? []).enumerated() where !((p as? String)?.hasPrefix("http") ?? false) {
            fail("\(path).profile[\(k)]", "not a canonical URL")
        }
    }

    // MARK: Data types

    private func codings(_ any: Any?) -> Set<String> {
        Set(((any as? [String: Any])?["coding"] as? [[String: Any]] ?? []).map { "\($0["system"] ?? "")|\($0["code"] ?? "")" })
    }

    private mutating func codeableConcept(_ any: Any?, _ path: String, required: Bool) {
        guard let c = any as? [String: Any] else { if required { fail(path, "required CodeableConcept missing") }; return }
        let codings = c["coding"] as? [[String: Any]] ?? []
        if codings.isEmpty && (c["text"] as? String ?? "").isEmpty { fail(path, "a CodeableConcept needs a coding or text") }
        for (k, coding) in codings.enumerated() {
            guard let system = coding["system"] as? String, system.contains(":") else { fail("\(path).coding[\(k)].system", "missing or not a URI"); continue }
            guard let code = coding["code"] as? String, !code.isEmpty, code.trimmingCharacters(in: .whitespaces) == code else {
                fail("\(path).coding[\(k)].code", "missing or with surrounding whitespace"); continue
            }
        }
    }

    private mutating func quantity(_ any: Any, _ path: String) {
        guard let q = any as? [String: Any] else { fail(path, "not an object"); return }
        if !(q["value"] is NSNumber) { fail("\(path).value", "must be a decimal") }
        if q["code"] != nil && q["system"] == nil { fail(path, "qty-3: a code needs a system") }
        if let system = q["system"] as? String, system != "http://unitsofmeasure.org" { fail("\(path).system", "expected UCUM") }
    }

    private mutating func reference(_ any: Any, _ path: String, _ urls: [String: String], allowed: Set<String>,
                                    mustResolve: Bool = false)
    {
        guard let r = any as? [String: Any] else { fail(path, "not a Reference"); return }
        if let ref = r["reference"] as? String {
            if let type = urls[ref] {
                if !allowed.contains(type) { fail(path, "refers to a \(type); allowed: \(allowed.sorted())") }
            } else if ref.hasPrefix("urn:uuid:") || mustResolve {
                fail(path, "reference \(ref) does not resolve inside the bundle")
            }
        } else if let id = r["identifier"] as? [String: Any] {
            if (id["value"] as? String ?? "").isEmpty { fail("\(path).identifier.value", "empty") }
            if mustResolve { fail(path, "must be a resolvable reference") }
        } else {
            fail(path, "a Reference needs reference or identifier")
        }
    }

    private mutating func dateTime(_ any: Any, _ path: String) {
        let pattern = "^[0-9]{4}(-[0-9]{2}(-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?(Z|[+-][0-9]{2}:[0-9]{2}))?)?)?$"
        guard let s = any as? String, s.range(of: pattern, options: .regularExpression) != nil else { fail(path, "not a FHIR dateTime"); return }
    }

    private mutating func instant(_ any: Any, _ path: String) {
        let pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$"
        guard let s = any as? String, s.range(of: pattern, options: .regularExpression) != nil else { fail(path, "not a FHIR instant"); return }
    }

    private mutating func unknownElements(_ o: [String: Any], _ known: Set<String>, _ path: String) {
        for key in o.keys.sorted() where !known.contains(key) { fail("\(path).\(key)", "not an element of this resource") }
    }

    /// ele-1: no empty strings, arrays or objects, and no nulls, anywhere.
    private mutating func notEmpty(_ any: Any, _ path: String) {
        switch any {
        case let o as [String: Any]:
            if o.isEmpty { fail(path, "ele-1: empty object") }
            for (k, v) in o { notEmpty(v, "\(path).\(k)") }
        case let a as [Any]:
            if a.isEmpty { fail(path, "ele-1: empty array") }
            for (i, v) in a.enumerated() { notEmpty(v, "\(path)[\(i)]") }
        case let s as String:
            if s.isEmpty { fail(path, "ele-1: empty string") }
        case is NSNull:
            fail(path, "null is not allowed")
        default: break
        }
    }
}
