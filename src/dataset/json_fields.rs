//! Field-level diagnosis for JSON records: when serde rejects an object, find which field is
//! missing or has the wrong type, so the error can name it.
//!
//! serde_json reports `invalid type: string "x", expected u64` without the key; re-checking
//! each expected field of the already-parsed object one by one recovers it. Only runs on the
//! error path, so the fast path stays a single typed deserialisation.

use serde::de::DeserializeOwned;
use serde_json::Value;

/// Which field of a record is at fault, and why.
pub(crate) struct FieldFault {
    pub field: &'static str,
    pub message: String,
}

/// One expected field: its name, whether it must be present, and a type check.
pub(crate) struct FieldSpec {
    pub name: &'static str,
    pub required: bool,
    pub check: fn(&Value) -> Option<String>,
}

/// `None` when `value` deserialises as `T`, otherwise serde's complaint.
pub(crate) fn type_error<T: DeserializeOwned>(value: &Value) -> Option<String> {
    T::deserialize(value).err().map(|e| e.to_string())
}

/// The first field of `value` (expected to be an object) that breaks `specs`.
pub(crate) fn diagnose(value: &Value, specs: &[FieldSpec]) -> Option<FieldFault> {
    let Value::Object(map) = value else {
        return Some(FieldFault { field: "(record)", message: "expected a JSON object".into() });
    };
    specs.iter().find_map(|spec| match map.get(spec.name) {
        None if spec.required => {
            Some(FieldFault { field: spec.name, message: "missing required field".into() })
        }
        None => None,
        Some(v) => (spec.check)(v).map(|message| FieldFault { field: spec.name, message }),
    })
}

/// serde_json's message without its trailing ` at line L column C` (the caller reports the
/// line itself).
pub(crate) fn message_without_location(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}
