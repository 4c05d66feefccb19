//! The member rules (RULES.md sections 2 and 3) and the assembly of the outcome.

use crate::json::Value;
use crate::model::Outcome;
use crate::options::Options;
use crate::problem::{ErrorCode, Problem};

pub(crate) fn validate_bytes(_body: &[u8], _options: &Options) -> Outcome {
    not_yet()
}

pub(crate) fn validate_value(_value: &Value, _options: &Options) -> Outcome {
    not_yet()
}

fn not_yet() -> Outcome {
    Outcome::Rejected {
        errors: vec![Problem {
            errcode: ErrorCode::NotJson,
            path: String::new(),
            message: "not implemented yet".into(),
        }],
        warnings: Vec::new(),
    }
}
