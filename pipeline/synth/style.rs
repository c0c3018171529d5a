//! Per-report printing habits: how counts and percentages are written, and how shares are
//! rounded.

use super::numerals::{cn_decimal, cn_integer};
use super::rng::Rng;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PctSign {
    /// 58.7%
    Half,
    /// 58.7％
    Full,
    /// 58.7 %
    Spaced,
    /// 58.7%% (a converter artefact)
    Double,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounding {
    /// Each share rounded on its own (the column may not sum to 100).
    Plain,
    /// Largest remainder: the printed shares sum to exactly 100.
    ForceHundred,
    /// Cut off, then the last share takes what is left.
    Truncate,
}

#[derive(Debug, Clone)]
pub struct Style {
    /// Probability that one count or percentage is written in Chinese numerals.
    pub cn_numerals: f64,
    pub sign: PctSign,
    /// 占 or the variant 佔.
    pub zhan: &'static str,
    pub decimals: usize,
    /// Print `7.70` rather than `7.7`.
    pub trailing_zeros: bool,
    pub rounding: Rounding,
}

impl Style {
    pub fn draw(rng: &mut Rng, cn_report: bool) -> Style {
        let sign = *rng.pick_weighted(&[
            (80, PctSign::Half),
            (12, PctSign::Full),
            (5, PctSign::Spaced),
            (3, PctSign::Double),
        ]);
        Style {
            cn_numerals: if cn_report {
                0.3 + rng.unit() * 0.5
            } else {
                0.0
            },
            sign,
            zhan: if rng.chance(0.03) { "佔" } else { "占" },
            decimals: *rng.pick_weighted(&[(30, 0usize), (45, 1), (25, 2)]),
            trailing_zeros: rng.chance(0.4),
            rounding: *rng.pick_weighted(&[
                (55, Rounding::Plain),
                (35, Rounding::ForceHundred),
                (10, Rounding::Truncate),
            ]),
        }
    }

    pub fn sign_name(&self) -> &'static str {
        match self.sign {
            PctSign::Half => "half",
            PctSign::Full => "full",
            PctSign::Spaced => "spaced",
            PctSign::Double => "double",
        }
    }

    /// A count: `88`, or `八十八` in a share of Chinese-numeral reports.
    pub fn count(&self, rng: &mut Rng, n: u64) -> String {
        if self.cn_numerals > 0.0 && rng.chance(self.cn_numerals) {
            cn_integer(n)
        } else {
            n.to_string()
        }
    }

    /// A percentage printed from its digits (`58.7`): `58.7%`, `58.7％`, … or `百分之五十八点七`.
    pub fn pct(&self, rng: &mut Rng, text: &str) -> String {
        if self.cn_numerals > 0.0 && rng.chance(self.cn_numerals) {
            if text == "100" && rng.chance(0.5) {
                return "百分之百".into();
            }
            return format!("百分之{}", cn_decimal(text));
        }
        match self.sign {
            PctSign::Half => format!("{text}%"),
            PctSign::Full => format!("{text}％"),
            PctSign::Spaced => format!("{text} %"),
            PctSign::Double => format!("{text}%%"),
        }
    }

    /// The printed shares of `counts` over `denom`, with this report's rounding and format.
    pub fn shares(&self, counts: &[u64], denom: u64) -> Vec<String> {
        let scale = 10u64.pow(self.decimals as u32);
        let units = shares_in_units(counts, denom, scale, self.rounding);
        units
            .into_iter()
            .map(|u| self.format_units(u, scale))
            .collect()
    }

    /// A single rate or share value (e.g. 97.97), formatted with this report's habits.
    pub fn value(&self, v: f64, decimals: usize) -> String {
        let scale = 10u64.pow(decimals as u32);
        self.format_units((v * scale as f64).round() as u64, scale)
    }

    fn format_units(&self, units: u64, scale: u64) -> String {
        let int = units / scale;
        let frac = units % scale;
        if scale == 1 {
            return int.to_string();
        }
        let width = (scale as f64).log10().round() as usize;
        let mut s = format!("{int}.{frac:0width$}");
        if !self.trailing_zeros {
            while s.ends_with('0') {
                s.pop();
            }
            if s.ends_with('.') {
                s.pop();
            }
        }
        s
    }
}

/// Shares in units of `1/scale` percent.
fn shares_in_units(counts: &[u64], denom: u64, scale: u64, rounding: Rounding) -> Vec<u64> {
    if denom == 0 {
        return vec![0; counts.len()];
    }
    let exact: Vec<f64> = counts
        .iter()
        .map(|c| *c as f64 * 100.0 * scale as f64 / denom as f64)
        .collect();
    match rounding {
        Rounding::Plain => exact.iter().map(|x| x.round() as u64).collect(),
        Rounding::Truncate => {
            let mut v: Vec<u64> = exact.iter().map(|x| x.floor() as u64).collect();
            let sum: u64 = counts.iter().sum();
            if sum == denom
                && let Some(last) = v.len().checked_sub(1)
            {
                let others: u64 = v[..last].iter().sum();
                v[last] = (100 * scale).saturating_sub(others);
            }
            v
        }
        Rounding::ForceHundred => {
            let sum: u64 = counts.iter().sum();
            let mut v: Vec<u64> = exact.iter().map(|x| x.floor() as u64).collect();
            if sum != denom {
                return exact.iter().map(|x| x.round() as u64).collect();
            }
            let mut left = (100 * scale).saturating_sub(v.iter().sum());
            let mut order: Vec<usize> = (0..v.len()).collect();
            order.sort_by(|a, b| {
                (exact[*b] - exact[*b].floor())
                    .total_cmp(&(exact[*a] - exact[*a].floor()))
                    .then(a.cmp(b))
            });
            for i in order {
                if left == 0 {
                    break;
                }
                v[i] += 1;
                left -= 1;
            }
            v
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn style(decimals: usize, rounding: Rounding, trailing_zeros: bool) -> Style {
        Style {
            cn_numerals: 0.0,
            sign: PctSign::Half,
            zhan: "占",
            decimals,
            trailing_zeros,
            rounding,
        }
    }

    #[test]
    fn forced_shares_sum_to_hundred() {
        let s = style(1, Rounding::ForceHundred, true);
        let v = s.shares(&[33, 14, 5], 52);
        let sum: f64 = v.iter().map(|x| x.parse::<f64>().unwrap_or(0.0)).sum();
        assert!((sum - 100.0).abs() < 1e-9, "{v:?}");
    }

    #[test]
    fn trailing_zeros_are_kept_or_dropped() {
        assert_eq!(
            style(2, Rounding::Plain, true).shares(&[53], 688),
            vec!["7.70"]
        );
        assert_eq!(
            style(2, Rounding::Plain, false).shares(&[53], 688),
            vec!["7.7"]
        );
        assert_eq!(style(0, Rounding::Plain, true).shares(&[1], 3), vec!["33"]);
    }
}
