//! The statistical statements of a report: totals, topics, outcome categories, rates, roles and
//! feedback. Each builder returns text and records exactly what it printed in the gold file.

use super::gold::{Feedback, Gold, GoldCategory, GoldTopic, pct_fields};
use super::rng::Rng;
use super::schemes::{self, Kind, Order, Phrase, Scheme};
use super::style::Style;

const NPC_ITEMS: &[&str] = &[
    "人大代表建议",
    "代表建议",
    "建议",
    "代表所提建议、批评和意见",
];
const CPPCC_ITEMS: &[&str] = &["政协提案", "委员提案", "提案", "政协委员提案"];
const BOTH_ITEMS: &[&str] = &[
    "人大代表建议和政协委员提案",
    "建议提案",
    "人大代表建议、政协委员提案",
];

/// Channel vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Npc,
    Cppcc,
    Both,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Npc => "npc_suggestion",
            Channel::Cppcc => "cppcc_proposal",
            Channel::Both => "both",
        }
    }
    pub fn item(self) -> &'static str {
        match self {
            Channel::Npc => "建议",
            Channel::Cppcc => "提案",
            Channel::Both => "建议提案",
        }
    }
    pub fn who(self) -> &'static str {
        match self {
            Channel::Npc => "代表",
            Channel::Cppcc => "委员",
            Channel::Both => "代表委员",
        }
    }
    pub fn body(self) -> &'static str {
        match self {
            Channel::Npc => "人大",
            Channel::Cppcc => "政协",
            Channel::Both => "人大、政协",
        }
    }
    /// How the items are named in a total: 人大代表建议, 政协委员提案 …
    pub fn items_long(self, rng: &mut Rng) -> &'static str {
        match self {
            Channel::Npc => rng.pick::<&str>(NPC_ITEMS),
            Channel::Cppcc => rng.pick::<&str>(CPPCC_ITEMS),
            Channel::Both => rng.pick::<&str>(BOTH_ITEMS),
        }
    }
}

/// Everything the builders share for one report.
pub struct Blk<'a> {
    pub rng: &'a mut Rng,
    pub style: &'a Style,
    pub gold: &'a mut Gold,
    pub channel: Channel,
    /// 市, 县, 区 …
    pub unit: String,
    pub session: String,
    pub total: u64,
}

impl Blk<'_> {
    /// The items the statistics are over: the stated total (all units when both are printed).
    fn universe(&self) -> u64 {
        self.gold.total.unwrap_or(self.total)
    }

    fn n(&mut self, v: u64) -> String {
        self.style.count(self.rng, v)
    }

    fn pct(&mut self, text: &str) -> String {
        self.style.pct(self.rng, text)
    }

    /// The sentence stating the total, with the extras that usually sit beside it.
    pub fn total_sentence(&mut self, year_txt: &str) -> String {
        let total = self.total;
        let items = self.channel.items_long(self.rng);
        let n = self.n(total);
        let unit = self.unit.clone();
        let session = self.session.clone();
        let form = self.rng.below(7);
        let mut s = match (self.channel, form) {
            _ if unit == "全国" => format!(
                "{year_txt}{session}上{}们提出的{n}件{items}已全部办理完毕",
                self.channel.who()
            ),
            (Channel::Cppcc, 0 | 1) => {
                let submitted = total + self.rng.range(3, 1 + total / 8);
                let sub = self.n(submitted);
                self.gold.quirk("submitted_vs_filed");
                format!(
                    "{year_txt}{session}以来，政协委员、各参加单位和各专门委员会共提出提案{sub}件，经审查立案{n}件"
                )
            }
            (Channel::Npc, 0) if total > 40 => {
                let all = total + self.rng.range(3, 1 + total / 6);
                let all_n = self.n(all);
                let share = self.style.value(total as f64 * 100.0 / all as f64, 0);
                let share = self.pct(&share);
                self.gold.total = Some(all);
                self.gold.total_government_system = Some(total);
                self.gold.quirk("total_split_government_vs_all");
                format!(
                    "{year_txt}{unit}人大转交全{unit}所有承办单位办理的建议共{all_n}件，其中转交政府系统承办的代表建议{n}件，占全{unit}代表建议的{share}"
                )
            }
            (_, 0..=2) => format!("{year_txt}{session}共交办{items}{n}件"),
            (_, 3) => format!("{year_txt}{unit}政府系统共承办{items}{n}件"),
            (_, 4) => format!(
                "{year_txt}在{session}上，{}们共提出{items}{n}件",
                self.channel.who()
            ),
            (_, 5) => format!("{year_txt}由{unit}政府负责承办的{items}共{n}件"),
            _ => format!("{year_txt}共收到{session}{items}{n}件"),
        };
        if self.gold.total.is_none() {
            self.gold.total = Some(total);
        }
        s.push_str(&self.total_extras());
        s.push('。');
        s
    }

    /// 其中重点建议9件 / 会议期间…闭会期间… / 集体提案…
    fn total_extras(&mut self) -> String {
        let total = self.gold.total_government_system.unwrap_or(self.total);
        let item = self.channel.item();
        match self.rng.below(6) {
            0 | 1 if total > 20 => {
                let k = self.rng.range(3, 12.min(total / 5).max(3));
                self.gold.key_items = Some(k);
                let kn = self.n(k);
                format!("，其中重点{item}{kn}件")
            }
            2 if total > 20 && self.gold.total_government_system.is_none() => {
                let after = self.rng.range(1, total / 10 + 1);
                let during = total - after;
                self.gold.during_session = Some(during);
                self.gold.after_session = Some(after);
                let (a, b) = (self.n(during), self.n(after));
                if self.rng.chance(0.5) {
                    format!("，其中会议期间提出{a}件，闭会期间提出{b}件")
                } else {
                    format!("，其中{a}件为大会期间收到，{b}件为会后收到")
                }
            }
            3 if self.channel == Channel::Cppcc && total > 20 => {
                let group = self.rng.range(total / 10, total / 3);
                let indiv = total - group;
                self.gold.proposer_split.insert("集体提案".into(), group);
                self.gold
                    .proposer_split
                    .insert("委员个人和联名提案".into(), indiv);
                let (a, b) = (self.n(group), self.n(indiv));
                format!("，其中集体提案{a}件，委员个人和联名提案{b}件")
            }
            _ => String::new(),
        }
    }

    /// Topics, as a sentence or a plain-text table. Counts sum to the total.
    pub fn topics(&mut self) -> String {
        let pool: &[&str] = match self.channel {
            Channel::Cppcc => &[
                "经济建设",
                "政治建设",
                "文化建设",
                "社会建设",
                "生态文明建设",
                "经济科技",
                "社会和法制",
                "教文卫体",
                "城建城管",
                "社会事业和民生保障",
                "城建交通",
                "民主法治和社会和谐",
                "经济建设和科学发展",
                "农业农村",
                "环境资源",
            ],
            _ => &[
                "城乡建设",
                "科教文卫",
                "工交财贸",
                "农业农村",
                "城市建设",
                "社会建设",
                "经济建设",
                "社会事业",
                "城建环保",
                "财政商贸",
                "工业交通",
                "政治法律",
                "综合经济",
                "社会发展",
                "法治建设",
                "行政管理",
                "道路交通",
                "社会保障",
                "环境治理",
                "水利设施",
                "卫生计生",
                "科技教育",
            ],
        };
        let k = self.rng.range(3, 7) as usize;
        let labels = self.rng.sample(pool, k);
        let weights: Vec<u64> = labels.iter().map(|_| self.rng.range(5, 60)).collect();
        let wsum: u64 = weights.iter().sum();
        let total = self.universe();
        let mut counts: Vec<u64> = weights.iter().map(|w| w * total / wsum).collect();
        let short = total.saturating_sub(counts.iter().sum());
        if let Some(first) = counts.first_mut() {
            *first += short;
        }
        let with_pct = self.rng.chance(0.6);
        let shares = if with_pct {
            self.style.shares(&counts, total)
        } else {
            vec![]
        };
        let suffix = *self.rng.pick(&["方面", "类", "", "方面"]);
        let suffix = if self.channel == Channel::Cppcc && self.rng.chance(0.3) {
            "提案"
        } else {
            suffix
        };
        if self.rng.chance(0.12) && with_pct {
            return self.topics_table(&labels, &counts, &shares);
        }
        let intro = *self.rng.pick(&[
            "按内容分，",
            "按领域分：",
            "从内容看，",
            "从涉及内容分类情况看，",
            "按内容归类，",
            "按内容分类：",
        ]);
        let sep = *self.rng.pick(&["；", "，", "、"]);
        let mut parts = Vec::new();
        for (i, (l, c)) in labels.iter().zip(&counts).enumerate() {
            let label = format!("{l}{suffix}");
            let cn = self.n(*c);
            let pct = shares.get(i).cloned();
            let pct_txt = match &pct {
                Some(x) => {
                    let p = self.pct(x);
                    let z = if self.rng.chance(0.3) {
                        "占比"
                    } else {
                        self.style.zhan
                    };
                    format!("，{z}{p}")
                }
                None => String::new(),
            };
            parts.push(format!("{label}{cn}件{pct_txt}"));
            let (pct_stated, _) = pct.as_deref().map(pct_fields).unwrap_or((None, None));
            self.gold.topics.push(GoldTopic {
                label_zh: label,
                count: Some(*c),
                pct_stated,
            });
        }
        let sep = if with_pct && sep == "、" { "；" } else { sep };
        format!("{intro}{}。", parts.join(sep))
    }

    fn topics_table(&mut self, labels: &[&str], counts: &[u64], shares: &[String]) -> String {
        let sep = "｜";
        let mut rows = vec![
            format!("表{}：类别统计表", self.rng.range(1, 2)),
            format!("性质类别{sep}件数{sep}百分比(%)"),
        ];
        for (i, (l, c)) in labels.iter().zip(counts).enumerate() {
            let pct = shares.get(i).cloned().unwrap_or_default();
            rows.push(format!("{l}{sep}{c}{sep}{pct}"));
            let (pct_stated, _) = pct_fields(&pct);
            self.gold.topics.push(GoldTopic {
                label_zh: l.to_string(),
                count: Some(*c),
                pct_stated,
            });
        }
        rows.push(format!("合计{sep}{}{sep}100", self.universe()));
        self.gold.quirk("table_format");
        rows.join("\n")
    }

    /// The outcome statement in the drawn scheme; `None` when the scheme has no categories.
    pub fn outcomes(&mut self, scheme_id: &str) -> Option<String> {
        let total = self.universe();
        let mut scheme = schemes::instantiate(self.rng, scheme_id, total);
        self.gold.synth.scheme = scheme.id.to_string();
        match scheme.kind {
            Kind::None => None,
            Kind::Aggregate => Some(self.aggregate(&scheme)),
            Kind::Partial => Some(self.partial_universe()),
            _ => Some(self.categories(&mut scheme, total)),
        }
    }

    fn categories(&mut self, scheme: &mut Scheme, total: u64) -> String {
        let order = schemes::draw_order(self.rng, scheme.kind);
        self.gold.synth.order = order.as_str().to_string();
        let item = self.channel.item();
        let noun = if self.channel == Channel::Both {
            "件"
        } else {
            item
        };
        let mut share = (self.rng.chance(0.85))
            .then(|| schemes::draw_share_clause(self.rng, self.style.zhan, noun));
        let mut prefix = String::new();
        let mut denom = total;
        let variant = self.rng.below(100);
        if variant < 3 && total > 30 && scheme.kind != Kind::Nested {
            // Items answered for reference only are left out of the categories and the shares.
            let k = self.rng.range(2, 6);
            scheme_shrink(scheme, k);
            denom = total - k;
            let kn = self.n(k);
            prefix = format!(
                "经与提出{item}的{}沟通，其中{kn}件作为参阅件提供给有关单位改进工作参考，不需答复。",
                self.channel.who()
            );
            self.gold.quirk("denominator_differs");
        } else if variant < 6 && total > 30 && scheme.kind != Kind::Nested {
            // Categories that do not add up to the total (as printed in the source).
            let k = self.rng.range(2, 9);
            scheme_shrink(scheme, k);
            share = None;
            self.gold.quirk("sum_mismatch");
        }
        let ph = Phrase {
            style: self.style,
            order,
            noun,
            share: share.as_deref(),
            denom,
        };
        let (text, gold) = schemes::render(self.rng, scheme, &ph);
        if order != Order::Table && gold.iter().any(|g| g.pct_text.is_some()) {
            self.gold.quirk("pct_trailing_zeros");
        }
        self.gold.outcome_scheme = gold;
        let intro = if order == Order::Table {
            format!(
                "{}办理结果分类统计如下：\n",
                self.rng.pick(&["", "按落实情况分类，"])
            )
        } else {
            self.rng
                .pick(&[
                    "从办理结果看，",
                    "从解决程度看：",
                    "按办理情况分类，",
                    "办理结果为：",
                    "从办复结果看，",
                    "其中，",
                    "据统计，",
                    "从办理结果分类统计情况看，",
                    "",
                ])
                .to_string()
        };
        format!("{prefix}{intro}{text}")
    }

    fn aggregate(&mut self, scheme: &Scheme) -> String {
        let Some(c) = scheme.cats.first() else {
            return String::new();
        };
        let x = self
            .style
            .value(c.count as f64 * 100.0 / self.universe().max(1) as f64, 1);
        let p = self.pct(&x);
        let (pct_stated, pct_text) = pct_fields(&x);
        let label = format!("{}的", c.label);
        self.gold.outcome_scheme = vec![GoldCategory {
            code: None,
            label_zh: label.clone(),
            count: None,
            pct_stated,
            pct_text,
            grade: Some("skip".into()),
            ..Default::default()
        }];
        self.gold.quirk("only_aggregate_pct");
        format!("{label}占{p}。")
    }

    /// Only the lead items are classified (a department's 主办件), e.g. 13件主办件…“A”类.
    fn partial_universe(&mut self) -> String {
        let lead = self
            .gold
            .roles
            .get("主办")
            .copied()
            .unwrap_or(self.universe());
        let m = self.rng.range(5, 9);
        let d = self.rng.range(1, 28);
        let n = self.n(lead);
        self.gold.outcome_scheme = vec![GoldCategory {
            code: Some("A".into()),
            label_zh: "A类".into(),
            count: Some(lead),
            tiers: vec!["resolved".into()],
            universe: Some("主办件".into()),
            ..Default::default()
        }];
        self.gold.quirk("partial_universe");
        format!("到{m}月{d}日，{n}件主办件已办结，办理类别为“A”类。")
    }

    /// Handling roles for a department: 主办/协办/会办/分办 counts that sum to the total.
    pub fn roles(&mut self) -> String {
        let total = self.universe();
        let lead = self.rng.range((total / 4).max(1), (total * 3 / 4).max(1));
        let rest = total - lead;
        let (second, third) = if self.rng.chance(0.5) && rest > 1 {
            let a = self.rng.range(1, rest - 1);
            (a, Some(rest - a))
        } else {
            (rest, None)
        };
        let names = if self.rng.chance(0.5) {
            ["主办", "协办", "会办"]
        } else {
            ["主办", "分办", "会办"]
        };
        let mut parts = vec![(names[0], lead), (names[1], second)];
        if let Some(t) = third {
            parts.push((names[2], t));
        }
        let mut txt = Vec::new();
        for (role, v) in parts {
            self.gold.roles.insert(role.to_string(), v);
            let vn = self.n(v);
            txt.push(format!("{role}件{vn}件"));
        }
        format!("从承办类别来看，{}。", txt.join("、"))
    }

    /// Rates as printed; every printed rate goes into the gold file under its printed name.
    pub fn rates(&mut self) -> String {
        let names: &[&str] = match self.channel {
            Channel::Npc => &[
                "办结率",
                "办复率",
                "答复率",
                "面复率",
                "见面率",
                "面商率",
                "按时办结率",
                "代表见面率",
                "建议办复率",
            ],
            Channel::Cppcc => &["办复率", "办结率", "面商率", "见面率", "按时办复率"],
            Channel::Both => &["办结率", "办复率", "面复率", "按时办结率"],
        };
        let sat: &[&str] = match self.channel {
            Channel::Npc => &[
                "满意率",
                "代表满意率",
                "满意和基本满意率",
                "代表满意和基本满意率",
            ],
            Channel::Cppcc => &[
                "满意率",
                "委员满意率",
                "满意和基本满意率",
                "委员满意和基本满意率",
            ],
            Channel::Both => &["满意率", "满意和基本满意率"],
        };
        let k = self.rng.range(1, 3) as usize;
        let mut picked: Vec<&str> = self.rng.sample(names, k);
        picked.push(*self.rng.pick(sat));
        let sat_name = picked[picked.len() - 1];
        let sat_value = if self.rng.chance(0.6) {
            "100".to_string()
        } else {
            self.style
                .value(95.0 + self.rng.unit() * 4.99, self.rng.range(1, 2) as usize)
        };
        match self.rng.below(4) {
            0 => {
                // 办复率和满意率均为100%
                for n in &picked {
                    self.gold.rates.insert(n.to_string(), 100.0);
                }
                let p = self.pct("100");
                let joined = join_names(&picked);
                let verb = self.rng.pick(&["均为", "均达到", "均达"]);
                format!("{joined}{verb}{p}")
            }
            1 => {
                // 办结率100%、面复率100%、满意率97.97%
                let mut parts = Vec::new();
                for (i, n) in picked.iter().enumerate() {
                    let v = if i + 1 == picked.len() {
                        sat_value.clone()
                    } else {
                        "100".into()
                    };
                    self.gold
                        .rates
                        .insert(n.to_string(), v.parse().unwrap_or(100.0));
                    let p = self.pct(&v);
                    parts.push(format!("{n}{p}"));
                }
                parts.join("、")
            }
            _ => {
                let lead: Vec<&str> = picked[..picked.len() - 1].to_vec();
                for n in &lead {
                    self.gold.rates.insert(n.to_string(), 100.0);
                }
                let p = self.pct("100");
                let sp = self.pct(&sat_value);
                self.gold
                    .rates
                    .insert(sat_name.to_string(), sat_value.parse().unwrap_or(100.0));
                let sat_txt = format!("{sat_name}为{sp}");
                let who = if sat_name.starts_with(self.channel.who()) {
                    ""
                } else {
                    self.channel.who()
                };
                format!(
                    "{}{p}；从征询意见反馈情况看，{who}{sat_txt}",
                    join_names(&lead) + if lead.len() > 1 { "均为" } else { "为" }
                )
            }
        }
    }

    /// 共收到代表反馈意见表176份，全部为“满意”或“基本满意”.
    pub fn feedback(&mut self) -> String {
        let total = self.universe();
        let forms = self.rng.range(total * 6 / 10, total.max(1));
        self.gold.feedback = Some(Feedback {
            forms_returned: forms,
        });
        let f = self.n(forms);
        format!(
            "共收到{}{}反馈意见表{f}份，全部为“满意”或“基本满意”，未收到“不满意”的反馈意见。",
            self.unit,
            if self.channel == Channel::Cppcc {
                "政协委员"
            } else {
                "人大代表"
            }
        )
    }
}

fn join_names(names: &[&str]) -> String {
    match names.len() {
        0 => String::new(),
        1 => names[0].to_string(),
        n => format!("{}和{}", names[..n - 1].join("、"), names[n - 1]),
    }
}

/// Take `k` items away from the categories (largest first), keeping counts ≥ 0.
fn scheme_shrink(scheme: &mut Scheme, k: u64) {
    let mut left = k;
    while left > 0 {
        let Some(c) = scheme
            .cats
            .iter_mut()
            .filter(|c| c.parent.is_none())
            .max_by_key(|c| c.count)
        else {
            return;
        };
        if c.count == 0 {
            return;
        }
        c.count -= 1;
        left -= 1;
    }
    // A nested child must stay within its parent.
    let counts: Vec<u64> = scheme.cats.iter().map(|c| c.count).collect();
    for c in scheme.cats.iter_mut() {
        if let Some(p) = c.parent {
            c.count = c.count.min(counts[p]);
        }
    }
}
