//! Stage 4, validate: each report checked against itself. A failing check never changes the
//! data; it is reported in the `checks` table.

use crate::model::{Category, Check, CheckStatus, Extraction, Outcome, Unit};

fn check(
    name: &str,
    status: CheckStatus,
    expected: Option<String>,
    observed: Option<String>,
    message: String,
    subject: Option<String>,
) -> Check {
    Check {
        check: name.into(),
        status,
        expected,
        observed,
        message,
        subject,
    }
}

fn fact(ex: &Extraction, name: &str) -> Option<f64> {
    ex.facts.iter().find(|f| f.fact == name).map(|f| f.value)
}

/// Decimals printed in a number (`58` → 0, `7.70` → 2).
fn decimals(text: &str) -> u32 {
    text.split_once('.')
        .map(|(_, d)| d.len() as u32)
        .unwrap_or(0)
}

/// Run every named check on one report.
pub fn validate(ex: &Extraction, outcomes: &[Outcome]) -> Vec<Check> {
    let mut out = Vec::new();
    categories_sum(ex, &mut out);
    percentages(ex, &mut out);
    pct_total(ex, &mut out);
    universe(ex, outcomes, &mut out);
    nested(ex, &mut out);
    topics_sum(ex, &mut out);
    roles_sum(ex, &mut out);
    government_share(ex, &mut out);
    rates_range(ex, &mut out);
    unmapped(ex, &mut out);
    out
}

fn top(ex: &Extraction) -> Vec<&Category> {
    ex.categories
        .iter()
        .filter(|c| c.parent.is_none())
        .collect()
}

/// Each channel's categories sum to that channel's items, when the report classifies the two
/// channels separately.
fn channel_sums(ex: &Extraction, out: &mut Vec<Check>) {
    let top = top(ex);
    let mut channels: Vec<&str> = Vec::new();
    for ch in top.iter().filter_map(|c| c.channel.as_deref()) {
        if !channels.contains(&ch) {
            channels.push(ch);
        }
    }
    if channels.len() < 2 {
        return;
    }
    for ch in channels {
        let mine: Vec<&&Category> = top
            .iter()
            .filter(|c| c.channel.as_deref() == Some(ch))
            .collect();
        let counts: Option<Vec<i64>> = mine.iter().map(|c| c.count).collect();
        let (Some(counts), Some(target)) = (counts, mine.iter().find_map(|c| c.universe_count))
        else {
            continue;
        };
        let sum: i64 = counts.iter().sum();
        let status = if sum == target {
            CheckStatus::Pass
        } else {
            CheckStatus::Fail
        };
        out.push(check(
            "categories_sum",
            status,
            Some(target.to_string()),
            Some(sum.to_string()),
            format!("{ch} categories sum to {sum} of the channel's {target} items"),
            Some(ch.to_string()),
        ));
    }
}

/// Categories sum to the total, or to a stated universe.
fn categories_sum(ex: &Extraction, out: &mut Vec<Check>) {
    channel_sums(ex, out);
    let top = top(ex);
    if top.is_empty() || top.iter().any(|c| c.count.is_none()) {
        return;
    }
    let sum: i64 = top.iter().filter_map(|c| c.count).sum();
    let total = fact(ex, "total_items").map(|v| v as i64);
    let stated_universe = top
        .iter()
        .find_map(|c| c.universe_count.filter(|_| c.universe == "lead_items"));
    let target = stated_universe.or(total);
    let Some(target) = target else { return };
    let others: Vec<(&str, i64)> = [
        "government_items",
        "items_filed",
        "items_handled",
        "items_received",
        "table_total",
    ]
    .iter()
    .filter_map(|n| fact(ex, n).map(|v| (*n, v as i64)))
    .collect();
    let (status, msg) = if sum == target {
        (CheckStatus::Pass, format!("categories sum to {sum}"))
    } else if let Some((n, v)) = others.iter().find(|(_, v)| *v == sum) {
        (
            CheckStatus::Warn,
            format!("categories sum to {sum} = {n} ({v}), not the total {target}"),
        )
    } else if top.iter().any(|c| c.universe == "item_answers") {
        (
            CheckStatus::Warn,
            format!("categories count item-answers (件次): sum {sum} vs {target} items"),
        )
    } else {
        (
            CheckStatus::Fail,
            format!(
                "categories sum to {sum}, the report states {target} ({} unaccounted)",
                target - sum
            ),
        )
    };
    out.push(check(
        "categories_sum",
        status,
        Some(target.to_string()),
        Some(sum.to_string()),
        msg,
        None,
    ));
}

/// Stated vs computed percentage, within the rounding the source printed.
fn percentages(ex: &Extraction, out: &mut Vec<Check>) {
    for c in top(ex) {
        let (Some(count), Some(pct), Some(u)) = (c.count, c.pct_stated, c.universe_count) else {
            continue;
        };
        if u <= 0 {
            continue;
        }
        let computed = count as f64 * 100.0 / u as f64;
        let d = decimals(c.pct_text.as_deref().unwrap_or(""));
        let tol = 0.5 * 10f64.powi(-(d as i32)) + 1e-9;
        let diff = (computed - pct).abs();
        let status = if diff <= tol {
            CheckStatus::Pass
        } else if diff <= (4.0 * tol).max(0.2) {
            CheckStatus::Warn
        } else {
            CheckStatus::Fail
        };
        out.push(check(
            "pct_stated_vs_computed",
            status,
            Some(format!("{computed:.2}")),
            Some(c.pct_text.clone().unwrap_or_else(|| pct.to_string())),
            format!(
                "{} {count}/{u} = {computed:.2}%, printed {}%",
                c.label_zh,
                c.pct_text.as_deref().unwrap_or("?")
            ),
            Some(format!("category:{}", c.position)),
        ));
    }
}

/// Printed percentages of a partition add up to 100.
fn pct_total(ex: &Extraction, out: &mut Vec<Check>) {
    let top = top(ex);
    if top.len() < 2 || top.iter().any(|c| c.pct_stated.is_none()) {
        return;
    }
    let sum: f64 = top.iter().filter_map(|c| c.pct_stated).sum();
    let tol = 0.05 * top.len() as f64
        + 0.5
            * top
                .iter()
                .map(|c| 10f64.powi(-(decimals(c.pct_text.as_deref().unwrap_or("")) as i32)))
                .fold(0.0, f64::max);
    let status = if (sum - 100.0).abs() <= tol {
        CheckStatus::Pass
    } else {
        CheckStatus::Fail
    };
    out.push(check(
        "pct_sum_100",
        status,
        Some("100".into()),
        Some(format!("{sum:.2}")),
        format!("printed category percentages sum to {sum:.2}"),
        None,
    ));
}

/// The categories' denominator differs from the stated total.
fn universe(ex: &Extraction, outcomes: &[Outcome], out: &mut Vec<Check>) {
    let (Some(o), Some(total)) = (outcomes.first(), fact(ex, "total_items")) else {
        return;
    };
    let Some(u) = o.universe_count else { return };
    let status = if u == total as i64 {
        CheckStatus::Pass
    } else {
        CheckStatus::Warn
    };
    out.push(check(
        "denominator",
        status,
        Some((total as i64).to_string()),
        Some(u.to_string()),
        format!(
            "outcome shares use {} = {u}; total stated {total}",
            o.universe
        ),
        None,
    ));
}

fn nested(ex: &Extraction, out: &mut Vec<Check>) {
    for p in &ex.categories {
        let children: Vec<&Category> = ex
            .categories
            .iter()
            .filter(|c| c.parent == Some(p.position))
            .collect();
        if children.is_empty() {
            continue;
        }
        let sum: i64 = children.iter().filter_map(|c| c.count).sum();
        let parent = p.count.unwrap_or(0);
        let status = if sum <= parent {
            CheckStatus::Pass
        } else {
            CheckStatus::Fail
        };
        out.push(check(
            "nested_within_parent",
            status,
            Some(format!("<= {parent}")),
            Some(sum.to_string()),
            format!("sub-counts of {} sum to {sum}", p.label_zh),
            Some(format!("category:{}", p.position)),
        ));
    }
}

fn topics_sum(ex: &Extraction, out: &mut Vec<Check>) {
    if ex.topics.len() < 2 {
        return;
    }
    let sum: i64 = ex
        .topics
        .iter()
        .filter_map(|t| t.count.map(|n| if t.shared_count { 2 * n } else { n }))
        .sum();
    let Some(total) = fact(ex, "total_items").map(|v| v as i64) else {
        return;
    };
    let status = if sum == total {
        CheckStatus::Pass
    } else if [
        "government_items",
        "items_received",
        "items_filed",
        "table_total",
    ]
    .iter()
    .any(|n| fact(ex, n) == Some(sum as f64))
    {
        CheckStatus::Warn
    } else {
        CheckStatus::Fail
    };
    out.push(check(
        "topics_sum",
        status,
        Some(total.to_string()),
        Some(sum.to_string()),
        format!("topics sum to {sum}, total {total}"),
        None,
    ));
}

fn roles_sum(ex: &Extraction, out: &mut Vec<Check>) {
    let top: Vec<_> = ex
        .roles
        .iter()
        .filter(|r| r.parent.is_none() && !r.role_zh.ends_with("单位"))
        .collect();
    for r in ex.roles.iter().filter(|r| r.parent.is_none()) {
        let kids: Vec<_> = ex
            .roles
            .iter()
            .filter(|k| k.parent == Some(r.position))
            .collect();
        if !kids.is_empty() {
            let s: i64 = kids.iter().map(|k| k.count).sum();
            let status = if s == r.count {
                CheckStatus::Pass
            } else {
                CheckStatus::Fail
            };
            out.push(check(
                "role_breakdown_sum",
                status,
                Some(r.count.to_string()),
                Some(s.to_string()),
                format!("{} breakdown sums to {s}", r.role_zh),
                Some(format!("role:{}", r.position)),
            ));
        }
    }
    if top.len() < 2 {
        return;
    }
    let Some(total) = fact(ex, "total_items").map(|v| v as i64) else {
        return;
    };
    let sum: i64 = top.iter().map(|r| r.count).sum();
    let status = if sum == total {
        CheckStatus::Pass
    } else {
        CheckStatus::Warn
    };
    out.push(check(
        "roles_sum",
        status,
        Some(total.to_string()),
        Some(sum.to_string()),
        format!("handling roles sum to {sum}, total {total}"),
        None,
    ));
}

fn government_share(ex: &Extraction, out: &mut Vec<Check>) {
    let (Some(g), Some(t)) = (fact(ex, "government_items"), fact(ex, "total_items")) else {
        return;
    };
    let status = if g <= t {
        CheckStatus::Pass
    } else {
        CheckStatus::Fail
    };
    out.push(check(
        "government_le_total",
        status,
        Some(format!("<= {t}")),
        Some(g.to_string()),
        format!("government-system items {g} vs total {t}"),
        None,
    ));
}

fn rates_range(ex: &Extraction, out: &mut Vec<Check>) {
    for f in ex.facts.iter().filter(|f| f.unit == Unit::Percent) {
        let ok = (0.0..=100.0).contains(&f.value);
        if !ok {
            out.push(check(
                "rate_in_range",
                CheckStatus::Fail,
                Some("0-100".into()),
                Some(f.value_text.clone()),
                format!(
                    "{} printed as {}%",
                    f.name_zh.as_deref().unwrap_or(&f.fact),
                    f.value_text
                ),
                Some(format!("fact:{}", f.fact)),
            ));
        }
    }
    for c in &ex.categories {
        if let Some(p) = c.pct_stated.filter(|p| !(0.0..=100.0).contains(p)) {
            out.push(check(
                "rate_in_range",
                CheckStatus::Fail,
                Some("0-100".into()),
                Some(p.to_string()),
                format!("{} printed as {p}%", c.label_zh),
                Some(format!("category:{}", c.position)),
            ));
        }
    }
}

fn unmapped(ex: &Extraction, out: &mut Vec<Check>) {
    for c in ex
        .categories
        .iter()
        .filter(|c| c.mapping.as_deref() == Some("unmapped"))
    {
        out.push(check(
            "category_mapped",
            CheckStatus::Warn,
            Some("a tier rule or crosswalk entry".into()),
            Some(c.label_zh.clone()),
            format!(
                "no rule maps {:?} to tiers; add one to datasets/rules/tiers.toml",
                c.label_zh
            ),
            Some(format!("category:{}", c.position)),
        ));
    }
}
