//! The service's OpenAPI 3.1 document, built from the JSON Schemas the core generates from its
//! own types (`schemas/*.json`, checked current by `core/tests/schemas.rs`): the bodies the
//! service takes and gives are described by the very schemas the library's users validate with.
//! OpenAPI 3.1's schema objects are JSON Schema 2020-12, so each schema goes in as it is; only
//! its `$defs` move to `components/schemas` and its references follow them.

use serde_json::{json, Map, Value};

const SCHEMAS: [(&str, &str); 4] = [
    ("Case", include_str!("../../../../schemas/case.schema.json")),
    (
        "Decision",
        include_str!("../../../../schemas/decision.schema.json"),
    ),
    ("Plan", include_str!("../../../../schemas/plan.schema.json")),
    (
        "ErrorEnvelope",
        include_str!("../../../../schemas/error.schema.json"),
    ),
];

/// The codes the service adds to the engine's for failures of HTTP itself.
pub const SERVICE_CODES: [&str; 5] = [
    "unauthorized",
    "overloaded",
    "not_found",
    "method_not_allowed",
    "request_timeout",
];

fn retarget(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get_mut("$ref") {
                if let Some(name) = r.strip_prefix("#/$defs/") {
                    *r = format!("#/components/schemas/{name}");
                }
            }
            map.values_mut().for_each(retarget);
        }
        Value::Array(list) => list.iter_mut().for_each(retarget),
        _ => {}
    }
}

fn components() -> Map<String, Value> {
    let mut out = Map::new();
    for (name, text) in SCHEMAS {
        let mut schema: Value = serde_json::from_str(text).unwrap_or_default();
        retarget(&mut schema);
        if let Some(map) = schema.as_object_mut() {
            map.remove("$schema");
            if let Some(Value::Object(defs)) = map.remove("$defs") {
                for (k, v) in defs {
                    out.entry(k).or_insert(v);
                }
            }
        }
        out.insert(name.to_string(), schema);
    }
    out.insert(
        "ServiceErrorEnvelope".into(),
        json!({
            "description": "The error object, for a failure of the request itself rather than of its case",
            "type": "object",
            "required": ["error"],
            "properties": {"error": {
                "type": "object",
                "required": ["code", "path", "message"],
                "properties": {
                    "code": {"enum": SERVICE_CODES},
                    "path": {"type": "string"},
                    "message": {"type": "string"}
                }
            }}
        }),
    );
    out.insert(
        "PolicyList".into(),
        json!({
            "type": "object",
            "required": ["default", "policies"],
            "properties": {
                "default": {"type": "string", "description": "The id `?policy=` falls back to"},
                "policies": {"type": "array", "items": {
                    "type": "object",
                    "required": ["id", "version", "digest", "source", "versions"],
                    "properties": {
                        "id": {"type": "string"},
                        "version": {"type": "string", "description": "The newest version"},
                        "digest": {"type": "string"},
                        "source": {"type": "string", "description": "The pack id or file it was loaded from"},
                        "versions": {"type": "array", "items": {
                            "type": "object",
                            "required": ["version", "digest"],
                            "properties": {"version": {"type": "string"}, "digest": {"type": "string"}}
                        }},
                        "reload_error": {"$ref": "#/components/schemas/ErrorEnvelope"}
                    }
                }}
            }
        }),
    );
    out
}

fn error_response(description: &str, schema: &str) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}})
}

/// The document, as JSON text.
pub fn document(version: &str) -> String {
    let policy = json!({"name": "policy", "in": "query", "required": false,
        "description": "The id of a served policy (GET /v1/policies); the first --policy when absent",
        "schema": {"type": "string"}});
    let common = |ok: Value| {
        json!({
            "200": ok,
            "400": error_response("The case is not valid: the engine's error object, with the JSON path at fault", "ErrorEnvelope"),
            "401": error_response("A bearer token is required and the request's is missing or wrong", "ServiceErrorEnvelope"),
            "404": error_response("`?policy=` names no served policy (code unknown_policy)", "ErrorEnvelope"),
            "408": error_response("The body did not arrive within the read time-out", "ServiceErrorEnvelope"),
            "413": error_response("The body is larger than --max-body (code limit_exceeded)", "ErrorEnvelope"),
            "503": {
                "description": "Overloaded: the bound on requests in flight is reached; retry after the Retry-After header's seconds",
                "headers": {"Retry-After": {"schema": {"type": "integer"}}},
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ServiceErrorEnvelope"}}}
            }
        })
    };
    let json_body = |schema: &str| json!({"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}});
    let doc = json!({
        "openapi": "3.1.0",
        "info": {
            "title": "arrears decision service",
            "version": version,
            "description": "Deterministic collections rules over HTTP: the same decisions, plans and error objects as the arrears library and command line, byte for byte.",
            "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"}
        },
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "components": {
            "schemas": components(),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                "description": "Required only when the service was started with --token-file"}}
        },
        "security": [{}, {"bearer": []}],
        "paths": {
            "/v1/decide": {"post": {
                "operationId": "decide",
                "summary": "Decide one case",
                "parameters": [policy],
                "requestBody": json_body("Case"),
                "responses": common(json!({"description": "The decision", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Decision"}}}}))
            }},
            "/v1/plan": {"post": {
                "operationId": "plan",
                "summary": "Plan one case's contacts over the coming days",
                "parameters": [policy, {"name": "days", "in": "query", "required": false,
                    "description": "Local days the plan covers, 1 to 31",
                    "schema": {"type": "integer", "minimum": 1, "maximum": 31, "default": 7}}],
                "requestBody": json_body("Case"),
                "responses": common(json!({"description": "The plan", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Plan"}}}}))
            }},
            "/v1/decide-many": {"post": {
                "operationId": "decideMany",
                "summary": "Decide JSON Lines of cases, streamed: one output line per input line, in order",
                "description": "Each output line is what `arrears batch` writes for the input line: the decision, or {\"line\":N,\"error\":{...}} for a line that is not a valid case. A bad line never ends the stream.",
                "parameters": [policy],
                "requestBody": {"required": true, "content": {"application/x-ndjson": {"schema": {"type": "string"}}}},
                "responses": common(json!({"description": "One line per input line", "content": {"application/x-ndjson": {"schema": {"type": "string"}}}}))
            }},
            "/v1/policies": {"get": {
                "operationId": "policies",
                "summary": "The served policies: ids, versions, digests, and any failed reload",
                "responses": {"200": {"description": "The policies", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PolicyList"}}}},
                    "401": error_response("Missing or wrong bearer token", "ServiceErrorEnvelope")}
            }},
            "/healthz": {"get": {
                "operationId": "health", "summary": "Liveness: 200 while the process answers", "security": [{}],
                "responses": {"200": {"description": "Alive", "content": {"application/json": {"schema": {"type": "object"}}}}}
            }},
            "/readyz": {"get": {
                "operationId": "ready", "summary": "Readiness: 503 while draining; 200 otherwise, listing the policies whose last reload failed (their previous versions serve)", "security": [{}],
                "responses": {"200": {"description": "Ready", "content": {"application/json": {"schema": {
                        "type": "object", "required": ["status", "reload_failed"],
                        "properties": {"status": {"const": "ready"}, "reload_failed": {"type": "array", "items": {
                            "type": "object", "required": ["source", "error"],
                            "properties": {"source": {"type": "string"}, "error": {"$ref": "#/components/schemas/Error"}}}}}}}}},
                    "503": error_response("Draining: the service is stopping (code overloaded)", "ServiceErrorEnvelope")}
            }},
            "/metrics": {"get": {
                "operationId": "metrics", "summary": "Prometheus metrics (OpenMetrics text)",
                "responses": {"200": {"description": "The metrics", "content": {"application/openmetrics-text": {"schema": {"type": "string"}}}}}
            }},
            "/openapi.json": {"get": {
                "operationId": "openapi", "summary": "This document",
                "responses": {"200": {"description": "The OpenAPI document", "content": {"application/json": {"schema": {"type": "object"}}}}}
            }}
        }
    });
    doc.to_string()
}
