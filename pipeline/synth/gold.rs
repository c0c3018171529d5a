//! The gold file written beside each synthetic report, in the corpus gold format
//! (`shared/corpus/README.md`): keys appear only where the text has the data.

use std::collections::BTreeMap;

use serde::Serialize;

#[derive(Debug, Clone, Default, Serialize)]
pub struct Gold {
    pub jurisdiction_zh: Option<String>,
    pub province_zh: Option<String>,
    pub admin_level: Option<String>,
    pub issuer_zh: Option<String>,
    pub issuer_kind: Option<String>,
    pub channel: String,
    pub year_handled: Option<i32>,
    pub report_date: Option<String>,
    pub session_zh: Option<String>,
    pub total: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_items: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_government_system: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub during_session: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after_session: Option<u64>,
    pub outcome_scheme: Vec<GoldCategory>,
    pub rates: BTreeMap<String, f64>,
    pub topics: Vec<GoldTopic>,
    pub roles: BTreeMap<String, u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feedback: Option<Feedback>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub proposer_split: BTreeMap<String, u64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub numbered_items: Vec<u64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub named_proposers: Vec<String>,
    pub quirks: Vec<String>,
    /// How the generator wrote this report (scheme, orders, styles), for slicing accuracy.
    pub synth: SynthInfo,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct GoldCategory {
    pub code: Option<String>,
    pub label_zh: String,
    pub count: Option<u64>,
    pub pct_stated: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pct_text: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tiers: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub universe: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct GoldTopic {
    pub label_zh: String,
    pub count: Option<u64>,
    pub pct_stated: Option<f64>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Feedback {
    pub forms_returned: u64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct SynthInfo {
    pub seed: u64,
    pub index: u64,
    pub kind: String,
    pub scheme: String,
    pub order: String,
    pub pct_style: String,
    pub numerals: String,
    pub script: String,
    pub format: String,
    pub encoding: String,
}

/// Percent as printed ("7.70") → the value and, when trailing zeros matter, the text.
pub fn pct_fields(text: &str) -> (Option<f64>, Option<String>) {
    let value = text.parse::<f64>().ok();
    let keep_text = text.contains('.') && text.ends_with('0');
    (value, keep_text.then(|| text.to_string()))
}

impl Gold {
    pub fn quirk(&mut self, q: &str) {
        if !self.quirks.iter().any(|x| x == q) {
            self.quirks.push(q.to_string());
        }
    }
}
