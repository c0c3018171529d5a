//! Report metadata inferred from the text (jurisdiction, province, level, issuer, channel,
//! session, year handled, report date). Unknown stays `None`; a city is never guessed.

use crate::model::{DocMeta, Document};
use crate::rules::Rules;

pub fn infer(_doc: &Document, _rules: &Rules) -> DocMeta {
    DocMeta::default()
}
