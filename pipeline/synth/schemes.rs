//! Outcome schemes seen in real reports (primer, corpus cases) and how their categories are
//! printed: the order of label, code and count, the share clause, tables with footnotes.

use super::gold::{GoldCategory, pct_fields};
use super::rng::Rng;
use super::style::Style;

const R: &[&str] = &["resolved"];
const IP: &[&str] = &["in_progress"];
const P: &[&str] = &["planned"];
const D: &[&str] = &["deferred"];
const IPP: &[&str] = &["in_progress", "planned"];
const RIP: &[&str] = &["in_progress", "resolved"];
const ALL3: &[&str] = &["in_progress", "planned", "resolved"];

/// One wording of a category and the fine tiers it means.
struct Wording(&'static str, &'static [&'static str]);

/// A category slot: its code, its wordings, and the weight range its count is drawn from.
struct Slot {
    code: Option<&'static str>,
    wordings: &'static [Wording],
    weight: (u32, u32),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Uncoded,
    Coded,
    Nested,
    Aggregate,
    Partial,
    None,
}

struct Def {
    id: &'static str,
    kind: Kind,
    slots: &'static [Slot],
}

const RESOLVED_WORDS: &[Wording] = &[
    Wording("已经解决或基本解决", R),
    Wording("所提问题已经解决或基本解决", R),
    Wording("已解决或基本解决", R),
    Wording("已经解决或者基本解决", R),
    Wording("被采纳、所提问题已经解决或者基本解决", R),
    Wording("建议所提问题已经解决或基本解决", R),
];
const MIDDLE_WORDS: &[Wording] = &[
    Wording("已列入规划正在解决", IPP),
    Wording("正在解决或列入计划逐步解决", IPP),
    Wording("所提问题正在着手解决或列入规划逐步解决", IPP),
    Wording("正在解决或者已经纳入计划解决", IPP),
    Wording("部分解决或列入计划逐步解决", IPP),
    Wording("被采纳、所提问题正在解决或列入计划逐步解决", IPP),
];
const DEFERRED_WORDS: &[Wording] = &[
    Wording("因目前条件限制需以后解决或留作参考", D),
    Wording("因条件限制暂时难以解决", D),
    Wording("因政策法规和财力物力等客观条件限制，暂时难以解决", D),
    Wording(
        "所提问题需在今后选择适当时机加以解决或向上级有关部门反映",
        D,
    ),
    Wording("因政策和条件限制难以解决", D),
    Wording("因受财力、政策所限，或者其他条件尚不具备，暂时难以解决", D),
    Wording("由于客观条件限制等原因不能解决或留作参考", D),
];

const DEFS: &[Def] = &[
    Def {
        id: "uncoded3",
        kind: Kind::Uncoded,
        slots: &[
            Slot {
                code: None,
                wordings: RESOLVED_WORDS,
                weight: (40, 90),
            },
            Slot {
                code: None,
                wordings: MIDDLE_WORDS,
                weight: (10, 45),
            },
            Slot {
                code: None,
                wordings: DEFERRED_WORDS,
                weight: (1, 10),
            },
        ],
    },
    Def {
        id: "uncoded3_partly",
        kind: Kind::Uncoded,
        slots: &[
            Slot {
                code: None,
                wordings: &[
                    Wording("所提问题已经解决和部分解决", RIP),
                    Wording("已经解决和部分解决", RIP),
                ],
                weight: (50, 85),
            },
            Slot {
                code: None,
                wordings: &[Wording("正在解决和列入规划逐步解决", IPP)],
                weight: (10, 30),
            },
            Slot {
                code: None,
                wordings: &[Wording(
                    "因政策、体制和条件所限暂时难以解决，已做解释说明",
                    D,
                )],
                weight: (2, 10),
            },
        ],
    },
    Def {
        id: "uncoded4",
        kind: Kind::Uncoded,
        slots: &[
            Slot {
                code: None,
                wordings: &[
                    Wording("已经解决", R),
                    Wording("所提建议已经解决", R),
                    Wording("已得到解决", R),
                ],
                weight: (20, 60),
            },
            Slot {
                code: None,
                wordings: &[
                    Wording("正在解决", IP),
                    Wording("所提建议正在解决", IP),
                    Wording("正在落实", IP),
                ],
                weight: (15, 40),
            },
            Slot {
                code: None,
                wordings: &[
                    Wording("列入计划解决", P),
                    Wording("所提建议列入计划解决", P),
                    Wording("已列入计划逐步解决", P),
                ],
                weight: (10, 35),
            },
            Slot {
                code: None,
                wordings: &[
                    Wording("因政策和条件限制难以解决", D),
                    Wording("因条件不具备暂时无法解决", D),
                    Wording("留作参考", D),
                ],
                weight: (2, 12),
            },
        ],
    },
    Def {
        id: "abc",
        kind: Kind::Coded,
        slots: &[
            Slot {
                code: Some("A"),
                wordings: &[
                    Wording("已解决或基本解决", R),
                    Wording("已经解决或基本解决", R),
                    Wording("已解决或采纳", R),
                    Wording("意见建议被采纳和反映问题基本得到解决", R),
                    Wording("所提问题已经解决或基本解决", R),
                ],
                weight: (40, 90),
            },
            Slot {
                code: Some("B"),
                wordings: &[
                    Wording("正在解决或列入计划解决", IPP),
                    Wording("正在解决或列入计划逐步解决", IPP),
                    Wording("计划解决或准备采纳", P),
                    Wording("列入工作计划、逐步解决", P),
                    Wording("意见建议得到重视和反映问题已列入计划解决", P),
                ],
                weight: (8, 40),
            },
            Slot {
                code: Some("C"),
                wordings: &[
                    Wording("留作参考", D),
                    Wording(
                        "因现行政策、当前条件限制或其他原因暂时不能解决，留作参考",
                        D,
                    ),
                    Wording("因政策法规和财力物力等客观条件限制，暂时难以解决", D),
                    Wording("所提问题因客观条件限制无法解决", D),
                ],
                weight: (1, 12),
            },
        ],
    },
    Def {
        id: "abcd_c_planned",
        kind: Kind::Coded,
        slots: &[
            Slot {
                code: Some("A"),
                wordings: &[
                    Wording("已经解决或基本解决", R),
                    Wording("已经解决或基本解决，或已通过其他途径解决", R),
                ],
                weight: (20, 80),
            },
            Slot {
                code: Some("B"),
                wordings: &[
                    Wording("正在解决或有关工作已启动", IP),
                    Wording("正在解决", IP),
                ],
                weight: (10, 60),
            },
            Slot {
                code: Some("C"),
                wordings: &[
                    Wording("已列入规划计划逐步解决", P),
                    Wording("已列入计划逐步解决", P),
                ],
                weight: (2, 20),
            },
            Slot {
                code: Some("D"),
                wordings: &[
                    Wording("留作参考", D),
                    Wording("因条件限制暂不能解决，留作参考", D),
                ],
                weight: (0, 8),
            },
        ],
    },
    Def {
        id: "abcd_c_deferred",
        kind: Kind::Coded,
        slots: &[
            Slot {
                code: Some("A"),
                wordings: &[Wording("所提问题已解决或基本解决", R)],
                weight: (50, 80),
            },
            Slot {
                code: Some("B"),
                wordings: &[Wording("所提问题部分解决或列入计划逐步解决", IPP)],
                weight: (10, 40),
            },
            Slot {
                code: Some("C"),
                wordings: &[Wording("所提问题因条件、能力所限近期尚不能解决", D)],
                weight: (1, 10),
            },
            Slot {
                code: Some("D"),
                wordings: &[Wording("所提问题未被采纳或留作参考", D)],
                weight: (0, 3),
            },
        ],
    },
    Def {
        id: "jiayibing",
        kind: Kind::Coded,
        slots: &[
            Slot {
                code: Some("甲"),
                wordings: &[Wording("已经解决或基本解决", R)],
                weight: (40, 85),
            },
            Slot {
                code: Some("乙"),
                wordings: &[Wording("正在解决以及列入计划逐步解决", IPP)],
                weight: (10, 45),
            },
            Slot {
                code: Some("丙"),
                wordings: &[
                    Wording("暂时不能解决", D),
                    Wording("因条件限制暂时不能解决", D),
                ],
                weight: (1, 10),
            },
        ],
    },
    Def {
        id: "horizon3",
        kind: Kind::Uncoded,
        slots: &[
            Slot {
                code: None,
                wordings: &[Wording("已经解决或正在解决", RIP)],
                weight: (40, 70),
            },
            Slot {
                code: None,
                wordings: &[
                    Wording("从闭会之日起3年能够基本解决", P),
                    Wording("从闭会之日起2年内能够基本解决", P),
                    Wording("3年内能够基本解决", P),
                ],
                weight: (20, 50),
            },
            Slot {
                code: None,
                wordings: &[Wording("作为工作参考", D), Wording("留作参考", D)],
                weight: (1, 5),
            },
        ],
    },
    Def {
        id: "horizon2",
        kind: Kind::Uncoded,
        slots: &[
            Slot {
                code: None,
                wordings: &[Wording("当年已经解决", R), Wording("当年已解决", R)],
                weight: (40, 75),
            },
            Slot {
                code: None,
                wordings: &[
                    Wording("列入今后三年计划逐步解决", P),
                    Wording("需两至三年逐步解决", P),
                ],
                weight: (20, 50),
            },
        ],
    },
    Def {
        id: "two_bucket",
        kind: Kind::Uncoded,
        slots: &[
            Slot {
                code: None,
                wordings: &[Wording("已经得到解决", R), Wording("已解决或采纳", R)],
                weight: (60, 95),
            },
            Slot {
                code: None,
                wordings: &[
                    Wording("列入计划拟解决", P),
                    Wording("列入工作计划逐步解决", P),
                ],
                weight: (5, 40),
            },
        ],
    },
    Def {
        id: "two_bucket_broad",
        kind: Kind::Uncoded,
        slots: &[
            Slot {
                code: None,
                wordings: &[
                    Wording("吸纳建议并推动相关工作取得进展或列入工作计划", ALL3),
                    Wording("采纳建议并推动相关工作取得进展或列入工作计划", ALL3),
                ],
                weight: (80, 95),
            },
            Slot {
                code: None,
                wordings: &[
                    Wording(
                        "对改进工作具有参考价值，拟在后续工作中研究借鉴，或因法律政策限制、现实条件不足无法解决并向代表充分说明",
                        D,
                    ),
                    Wording("留作参考并向代表作出说明", D),
                ],
                weight: (4, 15),
            },
        ],
    },
    Def {
        id: "nested",
        kind: Kind::Nested,
        slots: &[
            Slot {
                code: None,
                wordings: &[
                    Wording("已解决和正在解决", RIP),
                    Wording("已经解决和正在解决", RIP),
                ],
                weight: (60, 85),
            },
            Slot {
                code: None,
                wordings: &[
                    Wording("已解决或基本解决", R),
                    Wording("已经解决或基本解决", R),
                ],
                weight: (20, 60),
            },
            Slot {
                code: None,
                wordings: &[
                    Wording("列入计划逐步解决", P),
                    Wording("已列入计划待解决", P),
                ],
                weight: (8, 30),
            },
            Slot {
                code: None,
                wordings: &[Wording("留作参考", D), Wording("因条件限制暂时难以解决", D)],
                weight: (1, 8),
            },
        ],
    },
    Def {
        id: "aggregate",
        kind: Kind::Aggregate,
        slots: &[Slot {
            code: None,
            wordings: &[
                Wording("建议所提问题得到解决或者计划逐步解决", &[]),
                Wording("所提问题得到解决或者计划逐步解决", &[]),
            ],
            weight: (70, 90),
        }],
    },
    Def {
        id: "partial_universe",
        kind: Kind::Partial,
        slots: &[Slot {
            code: Some("A"),
            wordings: &[Wording("A类", R)],
            weight: (1, 1),
        }],
    },
    Def {
        id: "none",
        kind: Kind::None,
        slots: &[],
    },
];

/// One category of an instantiated scheme.
#[derive(Debug, Clone)]
pub struct Cat {
    pub code: Option<String>,
    pub label: String,
    pub tiers: Vec<String>,
    pub count: u64,
    /// The share as printed (digits only), if printed.
    pub pct: Option<String>,
    /// Index of the enclosing category (nested 其中).
    pub parent: Option<usize>,
}

/// A scheme with counts for one report.
#[derive(Debug, Clone)]
pub struct Scheme {
    pub id: &'static str,
    pub kind: Kind,
    pub cats: Vec<Cat>,
}

/// Scheme ids and draw weights for reports with a full outcome breakdown.
const WEIGHTS: &[(u32, &str)] = &[
    (22, "uncoded3"),
    (3, "uncoded3_partly"),
    (6, "uncoded4"),
    (18, "abc"),
    (6, "abcd_c_planned"),
    (3, "abcd_c_deferred"),
    (4, "jiayibing"),
    (4, "horizon3"),
    (2, "horizon2"),
    (5, "two_bucket"),
    (2, "two_bucket_broad"),
    (4, "nested"),
    (3, "aggregate"),
    (2, "partial_universe"),
    (16, "none"),
];

pub fn draw_id(rng: &mut Rng) -> &'static str {
    rng.pick_weighted::<&str>(&WEIGHTS.iter().map(|(w, id)| (*w, *id)).collect::<Vec<_>>())
}

/// Counts for `total` items in the scheme `id` (categories sum to `total`, children nest).
pub fn instantiate(rng: &mut Rng, id: &str, total: u64) -> Scheme {
    let def = DEFS
        .iter()
        .find(|d| d.id == id)
        .unwrap_or(&DEFS[DEFS.len() - 1]);
    let mut cats: Vec<Cat> = def
        .slots
        .iter()
        .map(|s| {
            let w = rng.pick(s.wordings);
            Cat {
                code: s.code.map(String::from),
                label: w.0.to_string(),
                tiers: w.1.iter().map(|t| t.to_string()).collect(),
                count: 0,
                pct: None,
                parent: None,
            }
        })
        .collect();
    let weights: Vec<u64> = def
        .slots
        .iter()
        .map(|s| rng.range(s.weight.0 as u64, s.weight.1 as u64))
        .collect();
    match def.kind {
        Kind::Nested => {
            // Slot 1 is a part of slot 0; slots 0, 2, 3 share the total.
            let top = split(rng, total, &[weights[0], weights[2], weights[3]]);
            cats[0].count = top[0];
            cats[2].count = top[1];
            cats[3].count = top[2];
            cats[1].count = (top[0] * weights[1] / 100).max(1).min(top[0]);
            cats[1].parent = Some(0);
        }
        _ => {
            let counts = split(rng, total, &weights);
            for (c, n) in cats.iter_mut().zip(counts) {
                c.count = n;
            }
        }
    }
    Scheme {
        id: def.id,
        kind: def.kind,
        cats,
    }
}

/// Split `total` in proportion to `weights` (largest remainder; zero weights stay zero).
fn split(_rng: &mut Rng, total: u64, weights: &[u64]) -> Vec<u64> {
    let sum: u64 = weights.iter().sum::<u64>().max(1);
    let exact: Vec<f64> = weights
        .iter()
        .map(|w| *w as f64 * total as f64 / sum as f64)
        .collect();
    let mut v: Vec<u64> = exact.iter().map(|x| x.floor() as u64).collect();
    let left = total.saturating_sub(v.iter().sum());
    let mut order: Vec<usize> = (0..v.len()).filter(|i| weights[*i] > 0).collect();
    order.sort_by(|a, b| {
        (exact[*b] - exact[*b].floor())
            .total_cmp(&(exact[*a] - exact[*a].floor()))
            .then(a.cmp(b))
    });
    for i in order.iter().cycle().take(left as usize) {
        v[*i] += 1;
    }
    v
}

/// How one category's statement is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    LabelCount,
    CountLabel,
    CodeDef,
    DefCode,
    DefCodeQuoted,
    CodeAfterCount,
    Table,
}

impl Order {
    pub fn as_str(self) -> &'static str {
        match self {
            Order::LabelCount => "label_count",
            Order::CountLabel => "count_label",
            Order::CodeDef => "code_def",
            Order::DefCode => "def_code",
            Order::DefCodeQuoted => "def_code_quoted",
            Order::CodeAfterCount => "code_after_count",
            Order::Table => "table_footnote",
        }
    }
}

pub fn draw_order(rng: &mut Rng, kind: Kind) -> Order {
    match kind {
        Kind::Coded => *rng.pick_weighted(&[
            (20, Order::CodeDef),
            (30, Order::DefCode),
            (15, Order::DefCodeQuoted),
            (15, Order::CodeAfterCount),
            (10, Order::Table),
        ]),
        _ => *rng.pick_weighted(&[(70, Order::LabelCount), (30, Order::CountLabel)]),
    }
}

/// What the outcome statement needs besides the scheme.
pub struct Phrase<'a> {
    pub style: &'a Style,
    pub order: Order,
    /// 建议 / 提案 / 件 noun used after labels and in share clauses.
    pub noun: &'a str,
    /// Share clause template with `{x}` for the percentage (e.g. `，占总数的{x}`), or `None`.
    pub share: Option<&'a str>,
    /// Printed shares go over this many items.
    pub denom: u64,
}

/// Share clause templates (the `{x}` is the printed percentage).
pub fn draw_share_clause(rng: &mut Rng, zhan: &str, noun: &str) -> String {
    let forms = [
        format!("，{zhan}{{x}}"),
        format!("，{zhan}{{x}}"),
        format!("，{zhan}总数的{{x}}"),
        format!("，{zhan}{noun}总数的{{x}}"),
        format!("，{zhan}办理总数的{{x}}"),
        format!("，{zhan}交办{noun}总数的{{x}}"),
        format!("，{zhan}办结总数的{{x}}"),
        "，占比{x}".to_string(),
        "、占比{x}".to_string(),
        format!("，{zhan}总件数的{{x}}（下同）"),
    ];
    rng.pick(&forms).clone()
}

/// Render the categories into a statement; returns the text and the gold categories.
pub fn render(rng: &mut Rng, scheme: &mut Scheme, ph: &Phrase) -> (String, Vec<GoldCategory>) {
    assign_shares(scheme, ph);
    if ph.order == Order::Table {
        return render_table(rng, scheme);
    }
    let mut parts: Vec<String> = Vec::new();
    let mut gold = Vec::new();
    let mut first_share = true;
    for i in 0..scheme.cats.len() {
        let c = scheme.cats[i].clone();
        let share = match (&c.pct, ph.share) {
            (Some(x), Some(tpl)) => {
                let tpl = if first_share {
                    tpl.to_string()
                } else {
                    tpl.replace("（下同）", "").replace("总件数的", "")
                };
                first_share = false;
                tpl.replace("{x}", &ph.style.pct(rng, x))
            }
            _ => String::new(),
        };
        let (text, label) = category_text(rng, &c, ph, &share);
        if c.parent.is_some() {
            if let Some(last) = parts.last_mut() {
                last.push_str(&format!("，其中{text}"));
            }
        } else {
            parts.push(text);
        }
        let parent_label = c
            .parent
            .and_then(|p| gold.get(p))
            .map(|g: &GoldCategory| g.label_zh.clone());
        gold.push(gold_category(&c, label, parent_label));
    }
    let sep = *rng.pick_weighted(&[(70, "；"), (25, "，"), (5, "。")]);
    (format!("{}。", parts.join(sep)), gold)
}

fn assign_shares(scheme: &mut Scheme, ph: &Phrase) {
    if ph.share.is_none() {
        return;
    }
    let top: Vec<usize> = (0..scheme.cats.len())
        .filter(|i| scheme.cats[*i].parent.is_none())
        .collect();
    let counts: Vec<u64> = top.iter().map(|i| scheme.cats[*i].count).collect();
    let shares = ph.style.shares(&counts, ph.denom);
    for (i, s) in top.iter().zip(shares) {
        scheme.cats[*i].pct = Some(s);
    }
    for c in scheme.cats.iter_mut().filter(|c| c.parent.is_some()) {
        c.pct = ph.style.shares(&[c.count], ph.denom).pop();
    }
}

fn with_de(label: &str) -> String {
    if label.ends_with('的') {
        label.to_string()
    } else {
        format!("{label}的")
    }
}

/// One category as text, and the label as printed (for the gold file).
fn category_text(rng: &mut Rng, c: &Cat, ph: &Phrase, share: &str) -> (String, String) {
    let n = format!("{}件", ph.style.count(rng, c.count));
    let code = c.code.clone().unwrap_or_default();
    let (lp, rp) = if rng.chance(0.5) {
        ("（", "）")
    } else {
        ("(", ")")
    };
    let noun = if rng.chance(0.4) { ph.noun } else { "" };
    match ph.order {
        Order::CountLabel => {
            let label = c.label.clone();
            (format!("{n}{label}{share}"), label)
        }
        Order::CodeDef => {
            let label = with_de(&c.label);
            (format!("{code}类{lp}{label}{rp}{n}{share}"), label)
        }
        Order::DefCode => {
            let label = with_de(&c.label);
            (format!("{label}{lp}{code}类{rp}{noun}{n}{share}"), label)
        }
        Order::DefCodeQuoted => {
            let label = with_de(&c.label);
            if rng.chance(0.5) {
                (format!("“{label}”{code}类{}共{n}{share}", ph.noun), label)
            } else {
                (format!("{label}“{code}”类{}{n}{share}", ph.noun), label)
            }
        }
        Order::CodeAfterCount => {
            let label = c.label.clone();
            (format!("{label}{n}{lp}{code}类{rp}{share}"), label)
        }
        Order::LabelCount | Order::Table => {
            let label = with_de(&c.label);
            let you = if noun.is_empty() && rng.chance(0.3) {
                "有"
            } else {
                ""
            };
            (format!("{label}{noun}{you}{n}{share}"), label)
        }
    }
}

fn gold_category(c: &Cat, label: String, parent: Option<String>) -> GoldCategory {
    let (pct_stated, pct_text) = c.pct.as_deref().map(pct_fields).unwrap_or((None, None));
    GoldCategory {
        code: c.code.clone(),
        label_zh: label,
        count: Some(c.count),
        pct_stated,
        pct_text,
        tiers: c.tiers.clone(),
        parent,
        ..Default::default()
    }
}

/// Plain-text table with the definitions in a footnote (as in district reports).
fn render_table(rng: &mut Rng, scheme: &Scheme) -> (String, Vec<GoldCategory>) {
    let sep = if rng.chance(0.5) { "｜" } else { " | " };
    let mut rows = vec![
        format!("表{}：落实情况统计表", rng.range(1, 3)),
        format!("类别标记{sep}件数{sep}百分比(%)"),
    ];
    for c in &scheme.cats {
        rows.push(format!(
            "{}{sep}{}{sep}{}",
            c.code.clone().unwrap_or_default(),
            c.count,
            c.pct.clone().unwrap_or_else(|| "-".into())
        ));
    }
    let sum: u64 = scheme.cats.iter().map(|c| c.count).sum();
    rows.push(format!("合计{sep}{sum}{sep}100"));
    let notes: Vec<String> = scheme
        .cats
        .iter()
        .map(|c| format!("“{}”类代表{}", c.code.clone().unwrap_or_default(), c.label))
        .collect();
    rows.push(format!("注：{}。", notes.join("；")));
    let gold = scheme
        .cats
        .iter()
        .map(|c| gold_category(c, c.label.clone(), None))
        .collect();
    (rows.join("\n"), gold)
}
