import Foundation

/// The service's contract: a hand-written OpenAPI 3.1 document, served at `GET /openapi.json`. The tests
/// check that its paths and methods are exactly the router's (both directions).
public enum OpenAPIDocument {
    /// The document as JSON bytes.
    public static var data: Data { Data(text.utf8) }

    /// The document.
    public static let text = #"""
{
  "openapi": "3.1.0",
  "info": {
    "title": "Vigil",
    "version": "1.0.0",
    "summary": "Disease-detection specialist models: ECG scoring, stored findings, FHIR, DICOM SR, HL7 v2, the worklist, explanations, audit.",
    "description": "Research software; a method a path does not take answers 405 with Allow. models trained on synthetic data say so in their model cards; no output is a diagnosis. Every 4xx/5xx answer is an RFC 7807 problem (application/problem+json). Routes under /v1 need `Authorization: Bearer <token>` (made with `vigil token create`); each says which roles it allows."
  },
  "servers": [{ "url": "http://127.0.0.1:8080" }],
  "security": [{ "bearer": [] }],
  "paths": {
    "/healthz": {
      "get": {
        "operationId": "healthz", "summary": "Liveness.", "security": [],
        "responses": { "200": { "description": "The process answers.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Status" } } } } }
      }
    },
    "/readyz": {
      "get": {
        "operationId": "readyz", "summary": "Readiness: ECG detectors loaded and the store readable.", "security": [],
        "responses": {
          "200": { "description": "Ready.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Ready" } } } },
          "503": { "$ref": "#/components/responses/Problem" }
        }
      }
    },
    "/metrics": {
      "get": {
        "operationId": "metrics", "summary": "Prometheus text: requests and latency by route and status, inferences and abstentions per detector, scoring in flight and queued.", "security": [],
        "responses": { "200": { "description": "Prometheus exposition format 0.0.4.", "content": { "text/plain": { "schema": { "type": "string" } } } } }
      }
    },
    "/openapi.json": {
      "get": {
        "operationId": "openapi", "summary": "This document.", "security": [],
        "responses": { "200": { "description": "OpenAPI 3.1.", "content": { "application/json": { "schema": { "type": "object" } } } } }
      }
    },
    "/mcp": {
      "post": {
        "operationId": "mcp", "summary": "The MCP server for the AI assistant (role assistant): streamable HTTP, stateless (no Mcp-Session-Id, plain JSON answers, no SSE; GET and DELETE answer 405). Tools list_detectors, get_findings, explain_findings, get_worklist (read-only, audited); model cards as resources.",
        "description": "One JSON-RPC 2.0 message per request (docs/mcp.md). Accept, when sent, must include application/json (none: JSON); MCP-Protocol-Version, when sent, must be one the server speaks (2024-11-05 to 2025-11-25). Transport errors are JSON-RPC error objects (application/json) from the MCP SDK; token, role and size errors are problems.",
        "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "description": "A JSON-RPC 2.0 request (with id) or notification (without); this server sends clients no requests, so it takes no responses.", "required": ["jsonrpc", "method"], "additionalProperties": false, "properties": { "jsonrpc": { "const": "2.0" }, "id": { "type": ["number", "string", "null"] }, "method": { "type": "string" }, "params": { "type": ["object", "array"] } } } } } },
        "responses": {
          "200": { "description": "The JSON-RPC answer.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/JSONRPCMessage" } } } },
          "202": { "description": "A notification, accepted (no body)." },
          "400": { "description": "Not one JSON-RPC message, or an unsupported protocol version.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/JSONRPCMessage" } }, "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } },
          "401": { "$ref": "#/components/responses/Problem" },
          "403": { "description": "A role other than assistant (problem), or an Origin that is not allowed (JSON-RPC error).", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/JSONRPCMessage" } }, "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } },
          "406": { "description": "Accept without application/json.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/JSONRPCMessage" } } } },
          "413": { "$ref": "#/components/responses/Problem" },
          "415": { "description": "Content-Type other than application/json.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/JSONRPCMessage" } } } },
          "421": { "description": "A Host header that is not loopback on a loopback server.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/JSONRPCMessage" } } } }
        }
      }
    },
    "/dicomweb/studies": {
      "post": {
        "operationId": "stowStudies", "summary": "DICOMweb STOW-RS (PS3.18 10.5; role scorer): CT instances into the spool; a series quiet for --series-quiet-seconds goes on the worklist and is tagged by the CT detector.",
        "requestBody": { "$ref": "#/components/requestBodies/STOW" },
        "responses": {
          "200": { "$ref": "#/components/responses/STOWAnswer" },
          "202": { "$ref": "#/components/responses/STOWAnswer" },
          "400": { "$ref": "#/components/responses/Problem" },
          "401": { "$ref": "#/components/responses/Problem" },
          "403": { "$ref": "#/components/responses/Problem" },
          "409": { "$ref": "#/components/responses/STOWAnswer" },
          "413": { "$ref": "#/components/responses/Problem" },
          "415": { "$ref": "#/components/responses/Problem" }
        }
      }
    },
    "/dicomweb/studies/{study}": {
      "post": {
        "operationId": "stowStudy", "summary": "DICOMweb STOW-RS into one study (role scorer): an instance of another study fails alone (Failure Reason A900).",
        "parameters": [ { "name": "study", "in": "path", "required": true, "schema": { "type": "string", "minLength": 1 } } ],
        "requestBody": { "$ref": "#/components/requestBodies/STOW" },
        "responses": {
          "200": { "$ref": "#/components/responses/STOWAnswer" },
          "202": { "$ref": "#/components/responses/STOWAnswer" },
          "400": { "$ref": "#/components/responses/Problem" },
          "401": { "$ref": "#/components/responses/Problem" },
          "403": { "$ref": "#/components/responses/Problem" },
          "409": { "$ref": "#/components/responses/STOWAnswer" },
          "413": { "$ref": "#/components/responses/Problem" },
          "415": { "$ref": "#/components/responses/Problem" }
        }
      }
    },
    "/v1/detectors": {
      "get": {
        "operationId": "listDetectors", "summary": "Detectors and their model cards (any role).",
        "responses": {
          "200": { "description": "The registry.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Detectors" } } } },
          "401": { "$ref": "#/components/responses/Problem" }
        }
      }
    },
    "/v1/ecg/score": {
      "post": {
        "operationId": "scoreECG",
        "summary": "Score one ECG record with every ECG detector (role scorer).",
        "description": "The body is one ECG file with its media type, or multipart/form-data with the files of one WFDB record (.hea and its signal files, each part with a filename). The answer is the findings document of `vigil ecg score --json`, with inputId when stored. With an Idempotency-Key, the same key and request answer the kept answer (header Idempotent-Replayed: true) and never store a second record; the same key with another request answers 422. The body limit answers 413 before anything is read; a full scoring queue answers 429 with Retry-After.",
        "parameters": [
          { "name": "store", "in": "query", "required": false, "description": "Store the result (answer carries inputId).", "schema": { "type": "string", "enum": ["true", "false"] } },
          { "name": "rate", "in": "query", "required": false, "description": "Sampling rate in Hz for CSV files that do not state it.", "schema": { "type": "number", "exclusiveMinimum": 0, "maximum": 100000 } },
          { "name": "units", "in": "query", "required": false, "description": "Units of CSV values.", "schema": { "type": "string", "enum": ["mV", "uV"] } },
          { "name": "Idempotency-Key", "in": "header", "required": false, "schema": { "type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$" } }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/dicom": { "schema": { "type": "string", "minLength": 1, "contentMediaType": "application/dicom" } },
            "application/xml": { "schema": { "type": "string", "minLength": 1 } },
            "text/xml": { "schema": { "type": "string", "minLength": 1 } },
            "text/csv": { "schema": { "type": "string", "minLength": 1 } },
            "multipart/form-data": { "schema": { "type": "object", "minProperties": 1, "description": "Each part carries a filename in its Content-Disposition (r.hea, r.dat); parts without one are ignored.", "additionalProperties": { "type": "string", "contentMediaType": "application/octet-stream" } } }
          }
        },
        "responses": {
          "200": { "description": "The findings document.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ScoreDocument" } } } },
          "400": { "$ref": "#/components/responses/Problem" },
          "401": { "$ref": "#/components/responses/Problem" },
          "403": { "$ref": "#/components/responses/Problem" },
          "409": { "$ref": "#/components/responses/Problem" },
          "413": { "$ref": "#/components/responses/Problem" },
          "415": { "$ref": "#/components/responses/Problem" },
          "422": { "$ref": "#/components/responses/Problem" },
          "429": { "$ref": "#/components/responses/Problem" },
          "503": { "$ref": "#/components/responses/Problem" }
        }
      }
    },
    "/v1/inputs/{id}/findings": {
      "get": {
        "operationId": "getFindings", "summary": "An input's stored outcomes (role reader); the read is audited.",
        "parameters": [{ "$ref": "#/components/parameters/InputId" }],
        "responses": {
          "200": { "description": "Stored outcomes.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/StoredFindings" } } } },
          "400": { "$ref": "#/components/responses/Problem" },
          "401": { "$ref": "#/components/responses/Problem" },
          "403": { "$ref": "#/components/responses/Problem" },
          "404": { "$ref": "#/components/responses/Problem" }
        }
      }
    },
    "/v1/inputs/{id}/fhir": {
      "get": {
        "operationId": "getFHIR", "summary": "An input's results as a FHIR R4 Bundle (role reader); the read is audited.",
        "parameters": [{ "$ref": "#/components/parameters/InputId" }],
        "responses": {
          "200": { "description": "FHIR R4 Bundle (collection).", "content": { "application/fhir+json": { "schema": { "type": "object", "required": ["resourceType", "type", "entry"], "properties": { "resourceType": { "const": "Bundle" }, "type": { "const": "collection" }, "entry": { "type": "array" } } } } } },
          "400": { "$ref": "#/components/responses/Problem" },
          "401": { "$ref": "#/components/responses/Problem" },
          "403": { "$ref": "#/components/responses/Problem" },
          "404": { "$ref": "#/components/responses/Problem" }
        }
      }
    },
    "/v1/inputs/{id}/dicom-sr": {
      "get": {
        "operationId": "getDICOMSR", "summary": "A CT study's DICOM SR, TID 1500 Comprehensive 3D SR, the file `vigil export --format dicom-sr` writes for it (role reader); the read is audited.",
        "description": "409 not-a-ct-study for an ECG input, 409 no-dicom-sr when nothing was assessed yet (errors only), 409 several-dicom-srs when several CT detectors reported and `detector` picks none. The overlay Secondary Captures the SR may reference are written by the CLI export only.",
        "parameters": [
          { "$ref": "#/components/parameters/InputId" },
          { "name": "detector", "in": "query", "required": false, "description": "The CT detector whose SR to answer, when several reported.", "schema": { "type": "string", "minLength": 1, "maxLength": 128 } }
        ],
        "responses": {
          "200": { "description": "DICOM Part 10 file (128-byte preamble, DICM, Explicit VR Little Endian).", "content": { "application/dicom": { "schema": { "type": "string", "contentMediaType": "application/dicom" } } } },
          "400": { "$ref": "#/components/responses/Problem" },
          "401": { "$ref": "#/components/responses/Problem" },
          "403": { "$ref": "#/components/responses/Problem" },
          "404": { "$ref": "#/components/responses/Problem" },
          "409": { "$ref": "#/components/responses/Problem" }
        }
      }
    },
    "/v1/inputs/{id}/hl7v2": {
      "get": {
        "operationId": "getHL7v2", "summary": "An input's results as one HL7 v2.5.1 ORU^R01 message, the message `vigil export --format hl7v2` writes for it (role reader); the read is audited.",
        "description": "ER7 encoding, segments ended by CR, no MLLP framing; the media type is the one of the HL7 over HTTP specification. 409 no-results when nothing is recorded for the input.",
        "parameters": [{ "$ref": "#/components/parameters/InputId" }],
        "responses": {
          "200": { "description": "The ORU^R01 message, MSH first.", "content": { "x-application/hl7-v2+er7": { "schema": { "type": "string", "pattern": "^MSH\\|" } } } },
          "400": { "$ref": "#/components/responses/Problem" },
          "401": { "$ref": "#/components/responses/Problem" },
          "403": { "$ref": "#/components/responses/Problem" },
          "404": { "$ref": "#/components/responses/Problem" },
          "409": { "$ref": "#/components/responses/Problem" }
        }
      }
    },
    "/v1/explain": {
      "post": {
        "operationId": "explain", "summary": "Explain an input's stored findings, claim-checked (roles assistant, reader); the assistant role gets only patient-safe fields. The request is audited.",
        "requestBody": {
          "required": true,
          "content": { "application/json": { "schema": {
            "type": "object", "additionalProperties": false, "required": ["inputId", "audience"],
            "properties": {
              "inputId": { "type": "integer", "minimum": 1, "maximum": 9007199254740991 },
              "audience": { "type": "string", "enum": ["patient", "clinician"] },
              "question": { "type": ["string", "null"], "minLength": 1, "maxLength": 2000 }
            } } } }
        },
        "responses": {
          "200": { "description": "The explanation (readers: the full Explanation JSON of docs/explanations.md; assistants: its patient-safe fields).", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Explanation" } } } },
          "400": { "$ref": "#/components/responses/Problem" },
          "401": { "$ref": "#/components/responses/Problem" },
          "403": { "$ref": "#/components/responses/Problem" },
          "404": { "$ref": "#/components/responses/Problem" },
          "413": { "$ref": "#/components/responses/Problem" },
          "415": { "$ref": "#/components/responses/Problem" },
          "422": { "$ref": "#/components/responses/Problem" }
        }
      }
    },
    "/v1/worklist": {
      "get": {
        "operationId": "getWorklist", "summary": "The radiology worklist, highest tag priority first (untagged last), then by arrival, a page at a time (role reader); the read is audited.",
        "parameters": [
          { "name": "offset", "in": "query", "required": false, "schema": { "type": "integer", "minimum": 0, "maximum": 9223372036854775807 } },
          { "name": "limit", "in": "query", "required": false, "schema": { "type": "integer", "minimum": 1, "maximum": 1000 } }
        ],
        "responses": {
          "200": { "description": "A page of the worklist.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/WorklistPage" } } } },
          "400": { "$ref": "#/components/responses/Problem" },
          "401": { "$ref": "#/components/responses/Problem" },
          "403": { "$ref": "#/components/responses/Problem" }
        }
      }
    },
    "/v1/worklist/{studyId}": {
      "get": {
        "operationId": "getWorklistStudy", "summary": "One worklist study with its tag history, oldest first (role reader); the read is audited.",
        "parameters": [ { "name": "studyId", "in": "path", "required": true, "schema": { "type": "string", "minLength": 1, "maxLength": 128 } } ],
        "responses": {
          "200": { "description": "The study.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/WorklistStudy" } } } },
          "400": { "$ref": "#/components/responses/Problem" },
          "401": { "$ref": "#/components/responses/Problem" },
          "403": { "$ref": "#/components/responses/Problem" },
          "404": { "$ref": "#/components/responses/Problem" }
        }
      }
    },
    "/v1/jobs": {
      "get": {
        "operationId": "listJobs", "summary": "The calling token's own jobs still kept (queued, running, the last ended ones), newest first (role scorer).",
        "parameters": [ { "name": "limit", "in": "query", "required": false, "schema": { "type": "integer", "minimum": 1, "maximum": 1000 } } ],
        "responses": {
          "200": { "description": "The jobs.", "content": { "application/json": { "schema": { "type": "object", "required": ["jobs"], "properties": { "jobs": { "type": "array", "items": { "$ref": "#/components/schemas/Job" } } } } } } },
          "400": { "$ref": "#/components/responses/Problem" },
          "401": { "$ref": "#/components/responses/Problem" },
          "403": { "$ref": "#/components/responses/Problem" }
        }
      },
      "post": {
        "operationId": "submitJob", "summary": "Queue a batch job (role scorer): ECG files and folders under the server's --data-root, or the uploaded files of many records.",
        "description": "application/json {\"paths\": [...]} names files (any ECG format; WFDB by its .hea) or folders (scored recursively) relative to the data root; paths that resolve outside it are refused. multipart/form-data carries the files themselves (each part with a filename; WFDB headers with their signal files). Jobs run one at a time, in the order submitted, by the same batch engine as vigil ecg batch; each record shares the scoring slots with POST /v1/ecg/score. Only the submitting token sees the job.",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": { "schema": { "$ref": "#/components/schemas/JobRequest" } },
            "multipart/form-data": { "schema": { "type": "object", "minProperties": 1, "description": "Each part carries a filename in its Content-Disposition; at most 1000 parts." } }
          }
        },
        "responses": {
          "202": { "description": "Queued; Location names the job.", "headers": { "Location": { "schema": { "type": "string" } } }, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Job" } } } },
          "400": { "$ref": "#/components/responses/Problem" },
          "401": { "$ref": "#/components/responses/Problem" },
          "403": { "$ref": "#/components/responses/Problem" },
          "413": { "$ref": "#/components/responses/Problem" },
          "415": { "$ref": "#/components/responses/Problem" },
          "429": { "$ref": "#/components/responses/Problem" },
          "503": { "$ref": "#/components/responses/Problem" }
        }
      }
    },
    "/v1/jobs/{job}": {
      "get": {
        "operationId": "getJob", "summary": "A job's state, progress and counts (role scorer, the submitting token only).",
        "parameters": [{ "$ref": "#/components/parameters/JobId" }],
        "responses": {
          "200": { "description": "The job.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Job" } } } },
          "401": { "$ref": "#/components/responses/Problem" },
          "403": { "$ref": "#/components/responses/Problem" },
          "404": { "$ref": "#/components/responses/Problem" }
        }
      },
      "delete": {
        "operationId": "cancelJob", "summary": "Cancel a job (role scorer, the submitting token only): a queued job never runs; a running one ends cancelled after the records in flight; results already stored stay.",
        "parameters": [{ "$ref": "#/components/parameters/JobId" }],
        "responses": {
          "200": { "description": "The job after the cancel.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Job" } } } },
          "401": { "$ref": "#/components/responses/Problem" },
          "403": { "$ref": "#/components/responses/Problem" },
          "404": { "$ref": "#/components/responses/Problem" }
        }
      }
    },
    "/v1/audit": {
      "get": {
        "operationId": "getAudit", "summary": "The audit log, oldest first, a page at a time (role admin).",
        "parameters": [
          { "name": "after", "in": "query", "required": false, "schema": { "type": "integer", "minimum": 0, "maximum": 9223372036854775807 } },
          { "name": "limit", "in": "query", "required": false, "schema": { "type": "integer", "minimum": 1, "maximum": 1000 } }
        ],
        "responses": {
          "200": { "description": "A page.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/AuditPage" } } } },
          "400": { "$ref": "#/components/responses/Problem" },
          "401": { "$ref": "#/components/responses/Problem" },
          "403": { "$ref": "#/components/responses/Problem" }
        }
      }
    }
  },
  "components": {
    "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer", "description": "A token made with `vigil token create --role scorer|reader|assistant|admin`." } },
    "parameters": {
      "InputId": { "name": "id", "in": "path", "required": true, "schema": { "type": "integer", "minimum": 1, "maximum": 9223372036854775807 } },
      "JobId": { "name": "job", "in": "path", "required": true, "description": "A lowercase UUID; anything else is no job (404).", "schema": { "type": "string", "minLength": 1 } }
    },
    "responses": {
      "Problem": { "description": "RFC 7807 problem.", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } },
      "STOWAnswer": { "description": "The PS3.18 Store Instances Response (DICOM JSON): 200 every instance stored, 202 some failed (FailedSOPSequence), 409 none stored.", "content": { "application/dicom+json": { "schema": { "type": "object" } } } }
    },
    "requestBodies": {
      "STOW": { "required": true, "description": "multipart/related; type=\"application/dicom\"; boundary=...: one DICOM instance per part (at most 5000 parts, 512 MiB per part, 4 GiB per body).", "content": { "multipart/related": { "schema": { "type": "string", "minLength": 1 } } } }
    },
    "schemas": {
      "Problem": {
        "type": "object", "required": ["type", "title", "status", "detail"],
        "properties": { "type": { "type": "string" }, "title": { "type": "string" }, "status": { "type": "integer" }, "detail": { "type": "string" } }
      },
      "Status": { "type": "object", "required": ["status"], "properties": { "status": { "type": "string" } } },
      "JSONRPCMessage": { "type": "object", "required": ["jsonrpc"], "properties": { "jsonrpc": { "const": "2.0" }, "id": { "type": ["integer", "string", "null"] }, "result": { "type": "object" }, "error": { "type": "object", "required": ["code", "message"], "properties": { "code": { "type": "integer" }, "message": { "type": "string" } } } } },
      "Ready": {
        "type": "object", "required": ["status", "detectors", "notes"],
        "properties": { "status": { "const": "ready" }, "detectors": { "type": "array", "items": { "type": "string" } }, "notes": { "type": "array", "items": { "type": "string" } } }
      },
      "Detectors": {
        "type": "object", "required": ["detectors"],
        "properties": { "detectors": { "type": "array", "items": {
          "type": "object", "required": ["id", "version", "name", "inputKind"],
          "properties": { "id": { "type": "string" }, "version": { "type": "string" }, "name": { "type": "string" }, "inputKind": { "type": "string" }, "modelCard": { "type": "object" } } } } }
      },
      "Outcome": { "type": "object", "required": ["type"], "properties": { "type": { "type": "string", "enum": ["findings", "abstained"] }, "findings": { "type": "array" }, "abstention": { "type": "object" } } },
      "ScoreDocument": {
        "type": "object", "required": ["input", "outcomes", "modelCards"],
        "properties": { "input": { "type": "string" }, "outcomes": { "type": "array", "items": { "$ref": "#/components/schemas/Outcome" } }, "modelCards": { "type": "array" }, "inputId": { "type": "integer" } }
      },
      "StoredFindings": {
        "type": "object", "required": ["inputId", "input", "kind", "outcomes", "errors", "modelCards"],
        "properties": { "inputId": { "type": "integer" }, "input": { "type": "string" }, "kind": { "type": "string" }, "outcomes": { "type": "array", "items": { "$ref": "#/components/schemas/Outcome" } }, "errors": { "type": "integer" }, "modelCards": { "type": "array" } }
      },
      "Explanation": {
        "type": "object", "required": ["audience", "text", "claims", "doesNotMean", "nextSteps", "modelLimits", "sources", "backend"],
        "properties": { "audience": { "type": "string" }, "text": { "type": "string" }, "claims": { "type": "array" }, "doesNotMean": { "type": "array" }, "nextSteps": { "type": "array" }, "modelLimits": { "type": "array" }, "sources": { "type": "array" }, "backend": { "type": ["string", "object"] }, "audit": { "type": "object" } }
      },
      "WorklistItem": {
        "type": "object", "required": ["rank", "studyId", "arrivedAt"],
        "properties": { "rank": { "type": "integer", "minimum": 1 }, "studyId": { "type": "string" }, "inputId": { "type": "integer" }, "tag": { "type": "string" }, "priority": { "type": "integer" }, "score": { "type": "number" }, "modelVersion": { "type": "string" }, "arrivedAt": { "type": "string" }, "taggedAt": { "type": "string" } }
      },
      "WorklistPage": {
        "type": "object", "required": ["entries", "total"],
        "properties": { "entries": { "type": "array", "items": { "$ref": "#/components/schemas/WorklistItem" } }, "total": { "type": "integer" }, "next": { "type": ["string", "null"] } }
      },
      "WorklistStudy": {
        "type": "object", "required": ["entry", "history"],
        "properties": { "entry": { "$ref": "#/components/schemas/WorklistItem" }, "history": { "type": "array", "items": { "type": "object", "required": ["tag", "priority", "taggedAt"], "properties": { "tag": { "type": "string" }, "priority": { "type": "integer" }, "score": { "type": "number" }, "modelVersion": { "type": "string" }, "taggedAt": { "type": "string" } } } } }
      },
      "JobRequest": {
        "type": "object", "required": ["paths"],
        "properties": {
          "paths": { "type": "array", "minItems": 1, "maxItems": 10000, "items": { "type": "string", "minLength": 1, "maxLength": 4096 } },
          "rate": { "type": "number", "exclusiveMinimum": 0, "maximum": 100000, "description": "Sampling rate in Hz for CSV files that do not state it." },
          "units": { "type": "string", "enum": ["mV", "uV"] }
        }
      },
      "Job": {
        "type": "object", "required": ["id", "state", "source", "createdAt", "done", "recorded", "skipped", "errors", "unreadable", "inputIds", "inputIdsTruncated", "detectors", "cancelRequested"],
        "properties": {
          "id": { "type": "string" }, "state": { "type": "string", "enum": ["queued", "running", "succeeded", "failed", "cancelled"] },
          "source": { "type": "string", "enum": ["paths", "upload"] },
          "createdAt": { "type": "string" }, "startedAt": { "type": "string" }, "finishedAt": { "type": "string" },
          "total": { "type": "integer" }, "done": { "type": "integer" }, "recorded": { "type": "integer" }, "skipped": { "type": "integer" },
          "errors": { "type": "integer" }, "unreadable": { "type": "integer" },
          "inputIds": { "type": "array", "items": { "type": "integer" }, "description": "The stored inputs of the job's records, at most 10000." },
          "inputIdsTruncated": { "type": "boolean" },
          "detectors": { "type": "array", "items": { "type": "object", "required": ["detector", "version", "runId", "scored", "abstained", "errors"], "properties": { "detector": { "type": "string" }, "version": { "type": "string" }, "runId": { "type": "integer" }, "scored": { "type": "integer" }, "abstained": { "type": "integer" }, "errors": { "type": "integer" } } } },
          "cancelRequested": { "type": "boolean" }, "reason": { "type": "string" }
        }
      },
      "AuditPage": {
        "type": "object", "required": ["entries"],
        "properties": {
          "entries": { "type": "array", "items": { "type": "object", "required": ["id", "at", "actor", "action", "object", "details"], "properties": { "id": { "type": "integer" }, "at": { "type": "string" }, "actor": { "type": "string" }, "action": { "type": "string" }, "object": { "type": "string" }, "details": { "type": "object" } } } },
          "next": { "type": ["string", "null"] }
        }
      }
    }
  }
}
"""#
}
