//! Narrative text: the "how we handled it" sections, named items with the measures taken and the
//! figures achieved, problems and next steps. Templates take slots in braces (see [`Ctx::fill`]).

use super::numerals::cn_integer;
use super::rng::Rng;

/// What the narrative slots are filled from.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// 市, 县, 区, 省, 州, 自治区, 旗
    pub unit: String,
    /// 市政府, 县政府 …
    pub gov: String,
    /// 建议, 提案, 建议提案
    pub item: String,
    /// 代表, 委员, 代表委员
    pub who: String,
    /// 人大, 政协
    pub body: String,
    /// The handling year, or `None` when the report does not print it.
    pub year: Option<i32>,
    pub place_short: String,
}

const DEPTS: &[&str] = &[
    "发展改革",
    "教育",
    "科技",
    "工业和信息化",
    "公安",
    "民政",
    "司法",
    "财政",
    "人力资源和社会保障",
    "自然资源",
    "生态环境",
    "住房和城乡建设",
    "交通运输",
    "水利",
    "农业农村",
    "商务",
    "文化和旅游",
    "卫生健康",
    "应急管理",
    "审计",
    "市场监管",
    "医疗保障",
    "城市管理",
    "行政审批服务",
    "乡村振兴",
    "退役军人事务",
    "林业",
    "统计",
    "体育",
    "信访",
];

const GIVEN: &[&str] = &[
    "文华", "香稳", "付红", "广军", "晓芳", "益民", "海蛟", "战福", "长鹰", "艳", "俊丽", "梅",
    "爱琴", "宪德", "利", "文杰", "丽", "霞", "春闻", "发荣", "彦", "建国", "志强", "红梅", "秀英",
    "国庆", "卫东", "明", "静", "磊", "玉兰", "德胜", "新民", "永红", "慧", "晓东", "丽娟", "宏伟",
    "振华", "海燕", "金凤", "庆丰", "学军", "少华", "云飞", "佳琪", "子涵", "树林", "春生", "桂英",
    "凤英", "立新", "向阳", "雪梅", "天佑", "兴旺", "淑珍", "长青", "建华", "玉洁",
];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "肖", "田", "董", "袁", "潘", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任",
    "沈", "姚", "卢", "崔", "钟", "谭", "陆", "汪", "金", "石", "廖", "贾", "夏", "韦", "方", "白",
    "邹", "孟", "熊", "秦", "邱", "江", "尹", "薛", "段", "雷", "侯", "龙", "史", "陶", "黎", "贺",
    "顾", "毛", "郝", "龚", "邵", "万", "钱", "严", "覃", "武", "戴", "孔", "欧阳", "司马", "诸葛",
    "上官", "杞", "路", "翟", "靳", "仝", "冉",
];

/// A person's name: surname + given name.
pub fn person(rng: &mut Rng) -> String {
    format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN))
}

pub fn dept(rng: &mut Rng, unit: &str) -> String {
    let d = rng.pick(DEPTS);
    let suffix = if matches!(unit, "省" | "自治区") {
        "厅"
    } else if d.ends_with("健康") || d.ends_with("发展改革") {
        "委"
    } else {
        "局"
    };
    format!("{unit}{d}{suffix}")
}

const SECTION_HEADS: &[&str] = &[
    "强化组织领导，着力形成工作合力",
    "健全办理机制，规范办理流程",
    "抓住关键环节，提升办理质量",
    "汇聚各方力量，凝聚办理共识",
    "强化督导考评，确保办理实效",
    "坚持沟通协商，增进理解信任",
    "推进公开透明，主动接受监督",
    "注重成果转化，推动问题解决",
    "提高政治站位，压实办理责任",
    "创新工作方法，提高办理效率",
    "突出重点难点，集中力量攻坚",
    "加强跟踪问效，巩固办理成果",
];

const MEASURES: &[&str] = &[
    "{gov}始终把{who}{item}办理作为一项重要的政治任务和法定职责，召开常务会议专题研究部署，主要领导对{item}逐件阅批，亲自安排部署，亲自牵头督办",
    "印发了《关于认真做好{year}年{body}{item}办理工作的通知》，明确办理责任、办理时限和办理要求",
    "建立健全{body}监督指导、{gov}牵头协调、{who}积极参与、责任单位具体承办的四位一体办理机制",
    "完善了交办、分析、调研、沟通、答复、督办等各个环节工作规程，持续加强检查、协调、督促和指导",
    "对重点{item}逐件制定办理方案，专题研究，定期会商，重点督办，狠抓落实，务求实效",
    "坚持办前认真倾听{who}意见，摸清底数、精准施策；办中就具体问题主动沟通，采纳合理意见；办后及时向{who}反馈落实进度",
    "把{item}办理工作纳入年度综合绩效考评体系，实行台账式交办、动态化管理、全过程监督",
    "对办理结果不满意的，即时责令承办单位查找问题、限期整改，二次办理仍不满意的，予以通报批评",
    "全年组织召开重点{item}办理协商会{n}次，开展各类督查活动{n2}次",
    "各承办单位指定专人与{who}沟通联系，通过电话沟通、面对面协商等形式，做到办理前、办理中、办理后“三沟通”",
    "{dept}牵头召开专题协调会，明确牵头单位和协办单位，对涉及多个部门的{item}进行协调交办",
    "依托{item}办理信息系统和移动客户端，实现交办、承办、答复、反馈、公开全流程网上运行",
    "严把初分、初审、审核、审定“四道关”，做实做细交办前的各项基础工作",
    "建立“主要领导负总责、分管领导直接抓、办公室主任协调抓、责任科室具体抓”的分级责任制",
    "在门户网站开设专栏，将答复全文向社会公开，主动接受{who}和群众监督",
    "坚持把{item}办理与年度重点工作结合起来，与回应群众普遍关切结合起来，与改进工作作风结合起来",
    "对答复中承诺的事项实行销号管理，逐项跟踪落实，防止“重答复、轻落实”",
    "邀请{who}参与调研、座谈和现场察看{n}次，听取意见建议{n3}条",
    "组织承办单位负责人集中培训{n}次，提升办理人员业务能力和答复文稿质量",
    "{year}年{month}月{day}日，{gov}召开全{unit}{body}{item}交办会，对全年办理工作进行安排部署",
    "每月开展办理情况集中督查，对进度滞后的单位下发督办通知，督促加快办理",
    "在答复前与{who}见面沟通，面商率不断提高，做到件件有答复、事事有回音",
    "把{who}满意作为衡量办理工作的根本标准，推动办理工作由“答复型”向“落实型”转变",
    "对因条件限制暂时难以解决的问题，认真向{who}解释说明，争取理解和支持",
    "坚持问题导向、结果导向，对一些具有全局性、前瞻性、战略性或事关群众切身利益的{item}，开展专题调研，摸清现状，找准症结，推动办理工作与重要决策相结合、与政策落实相结合",
    "各承办单位对所承担的办理事项，及时召开会议，认真研究部署，建立工作台账，明确分管领导和时间节点，确保{item}及时办结回复",
    "对涉及多个承办单位的{item}，由{gov}办公室牵头，协调各承办单位明确分工，加强沟通，相互配合，实现无缝对接，形成办理合力",
    "各承办单位严格遵守办理工作程序，按照交办、承办、催办、会办、督办、反馈等程序，详细登记交办时间、催办次数和办理中的各个环节情况，做到工作有记录、事事留痕迹",
    "主动加强与承办单位的沟通联系，定期对承办单位办理工作进行督办催办，及时了解办理工作进展情况，准确掌握办理动态，发现问题，随时跟进，快速解决",
    "对{who}提出的解决难度大的问题，分管负责同志及时召开协调会议，深入研判，制定方案，列出计划，抓好落实",
    "把办理{item}作为密切联系人民群众、改进工作作风、提高工作实效的重要抓手，做到认识到位、责任到位、措施到位",
    "将办理情况纳入对各承办单位年度目标考核，考核结果与评先评优挂钩，对办理质量高、{who}满意度高的单位予以通报表扬",
    "针对一些涉及部门多、职责不明确、无法统一交办的{item}，召开专题协调会，明确牵头单位，进行协调交办，避免推诿扯皮",
    "在办理过程中深入开展调研，通过与{who}见面沟通、与协办会办单位座谈交流，详细了解{item}提出的背景，研究解决问题的具体措施和办法",
    "每一件答复意见在报主要领导签发前，分管负责同志都要逐件审阅，严格把关，限时办结，确保答复内容实、措施实、落实实",
    "围绕{who}关注的营商环境、乡村振兴、教育医疗、养老托育、交通出行等热点问题，组织相关部门联合攻关，推动一批民生实事落地见效",
    "{year}年{month}月，{gov}督查室会同{body}有关工作机构对办理情况进行了专项督查，实地察看办理现场{n}处，推动解决具体问题{n2}个",
    "建立办理工作联络员制度，各承办单位明确一名联络员，负责与{who}、交办部门的日常联系，确保信息畅通、衔接顺畅",
    "对答复后需要持续推进的事项，建立“回头看”机制，定期回访{who}，及时通报后续进展，确保件件有着落、事事有回音",
];

const ELABORATIONS: &[&str] = &[
    "认真做好{item}的办理，既是推进民主法治建设进程的需要，也是倾听群众呼声、改进政府工作的有效途径。{year}年，{gov}坚持把{item}办理工作作为推动经济社会发展、解决民生热点难点问题、促进社会和谐进步的重要载体，高度重视、认真对待，创新方法、精心部署，扎实推进、狠抓落实，真正做到让{who}满意、让群众受益",
    "从{item}内容看，{who}们紧紧围绕全{unit}经济社会发展大局和群众关心的热点、难点问题，积极建言献策，内容涉及经济发展、城乡建设、社会事业、民生保障、生态环境等各个方面，具有较强的针对性和可操作性，为{gov}科学民主决策提供了重要参考",
    "在办理工作中，{gov}坚持把{item}办理与贯彻落实上级决策部署结合起来，与回应群众普遍关切结合起来，与改进工作作风、健全工作机制结合起来，加强沟通联系，提升办理质量，突出办理实效，推动一批{who}关注度高的{item}得到了明显进展",
    "实践证明，{item}办理工作是{gov}自觉接受监督、密切联系群众的重要途径，也是改进工作、推动发展的重要动力。各承办单位把办理过程作为转变作风、提升能力的过程，在办理中研究问题、完善政策、推动工作，取得了较好成效",
    "各承办单位普遍实行主要领导负总责、分管领导具体抓、业务科室具体办的工作机制，形成了一级抓一级、层层抓落实的工作格局。特别是对重点{item}，实行“一把手”负责制，主要领导亲自部署、亲自督导、亲自检查验收，真正实现“一件{item}、一套班子、一抓到底”",
];

const TOPICS: &[&str] = &[
    "进一步优化营商环境",
    "加快完善贷款风险补偿机制",
    "加快新能源汽车推广普及",
    "加快推进电动汽车充电桩配置",
    "改善黄河滩区群众生产生活条件",
    "推进城乡供水一体化",
    "加强农村人居环境整治",
    "加快老旧小区改造",
    "完善城市停车设施建设",
    "推进义务教育优质均衡发展",
    "缓解城区大班额问题",
    "加强基层医疗卫生服务能力建设",
    "完善养老服务体系",
    "加快乡村振兴示范村建设",
    "加强生态环境保护",
    "推进垃圾分类工作",
    "规范零工市场管理",
    "保障饮用水水质安全",
    "加快数字经济发展",
    "加强食品药品安全监管",
    "推进公交优先发展",
    "完善农村公路养护机制",
    "加强中小学生心理健康教育",
    "扶持特色农业产业发展",
    "加快5G网络建设",
    "推动文旅融合发展",
    "加强历史文化街区保护",
    "促进高校毕业生就业",
    "加强河道综合治理",
    "提升农村客运服务水平",
    "完善社区嵌入式服务设施",
    "加大对小微企业的金融支持",
    "推进智慧城市建设",
];

const ACTIONS: &[&str] = &[
    "出台《{place}{topic_doc}实施方案》，明确了{n}个方面{n3}项具体措施",
    "市财政和各{unit_lower}共同出资{money}万元，设立专项资金，目前已拨付{money2}万元",
    "新建和改造{thing}{n3}个，惠及群众{people}人",
    "深入开展“{slogan}”活动，{n2}名领导干部分包{n3}家重点企业，协调解决问题{n3b}个",
    "累计完成投资{yi}亿元，{indicator}达到{p}%，较上年提高{pp}个百分点",
    "截至{year}年底，已完成{thing}建设{n4}处，占年度目标任务的{p}%",
    "组织开展专项整治行动{n2}次，排查问题{n3}项，已整改完成{n3b}项",
    "与{n}家金融机构签订合作协议，累计发放贷款{yi}亿元，惠及市场主体{n4}户",
    "新增就业岗位{n4}个，城镇登记失业率控制在{p_small}%以内",
    "全{unit}{indicator}达到{p}%，问题解决率保持在{p_high}%以上",
    "取消调整行政职权{n3}项，{n2}个高频事项实现“一网通办”",
    "建成区绿化覆盖率达到{p}%，新增城市绿地{n3}万平方米",
    "争取上级资金{money}万元，实施项目{n2}个，其中已竣工{n}个",
    "两年复合增长率{p_big}%，占比从不足{pp}%增长至{p_small}%",
    "成立由分管负责同志任组长的工作专班，制定任务清单{n}张，明确责任单位{n2}个，定期调度推进，目前各项任务均按时序推进",
    "召开专题协调会{n}次，会同{dept}、{dept}等部门实地调研{n2}次，形成调研报告{n}篇，相关意见已吸收进年度工作计划",
    "印发《关于{topic_doc}的若干措施》，从资金保障、用地支持、人才引进、考核激励等{n}个方面提出{n2}条具体措施，构建了较为完备的政策体系",
    "至{year}年底，已完成{thing}建设{n4}个，其中公共{thing}{n3}个、专用{thing}{n3b}个，基本形成了布局合理、便捷高效、覆盖全{unit}的服务网络",
    "实施{thing}提升改造工程，完成投资{yi}亿元，受益群众{people}人，群众满意度明显提升",
    "积极向上争取政策和资金支持，{year}年共争取上级补助资金{money}万元，撬动社会资本投入{yi}亿元",
    "建立{thing}长效管护机制，落实管护资金{money2}万元，明确管护主体和管护责任，确保建得好、管得住、用得久",
    "开展专项培训{n}期，培训基层工作人员和经营主体{n4}人次，发放宣传资料{n4}份，群众知晓率进一步提高",
];

const THINGS: &[&str] = &[
    "充电桩",
    "公共停车位",
    "村级卫生室",
    "农村公路",
    "污水处理设施",
    "公办幼儿园",
    "社区养老服务站",
    "供水管网",
    "口袋公园",
    "标准化考场",
];
const INDICATORS: &[&str] = &[
    "农村自来水普及率",
    "生活垃圾无害化处理率",
    "义务教育巩固率",
    "城市建成区路网密度达标率",
    "空气质量优良天数比例",
    "污水集中收集率",
    "基本养老保险参保率",
];
const SLOGANS: &[&str] = &[
    "万人助万企",
    "我为群众办实事",
    "进企业、解难题",
    "百名干部进百村",
    "政策找企业",
];

const PROBLEMS: &[&str] = &[
    "虽然{item}办理工作取得了一定成效，但也还存在一些不足：一是个别承办单位对办理工作重视程度不够，存在“重答复、轻落实”现象；二是部分{item}涉及面广、解决难度大，受政策、资金等因素制约，落实进度不快；三是与{who}的沟通还不够经常、不够深入",
    "从办理情况看，仍有少数{item}因资金、用地等客观条件限制未能有效解决，部分答复内容针对性不强，跟踪落实机制有待进一步完善",
    "一些跨部门、跨领域的{item}协调难度较大，办理周期较长；个别单位答复程序不够规范，办理质量有待提高",
];

const NEXT_STEPS: &[&str] = &[
    "下一步，{gov}将以这次审议为契机，认真落实{body}常委会审议意见，持续加大督办力度，推动{item}办理工作再上新台阶",
    "对已经解决的问题，适时开展“回头看”，巩固办理成果；对正在解决的问题，加强跟踪督办，确保按承诺时限落实到位",
    "进一步完善办理工作考核办法，把办理质量和{who}满意度作为考核的重要内容，对办理工作不力的单位予以通报",
    "积极推进办理结果公开，及时回应社会关切，主动接受{who}和人民群众监督",
    "加强与{who}的经常性联系，拓宽沟通渠道，把办理过程变为听取意见、改进工作的过程",
    "把{item}办理与编制“十五五”规划、年度计划和政策制定有机结合，推动更多意见建议转化为工作成果",
];

impl Ctx {
    /// Fill `{slot}`s of a template; unknown slots are dropped.
    pub fn fill(&self, rng: &mut Rng, tpl: &str) -> String {
        let mut out = String::with_capacity(tpl.len() + 32);
        let mut rest = tpl;
        while let Some(start) = rest.find('{') {
            out.push_str(&rest[..start]);
            let Some(len) = rest[start..].find('}') else {
                out.push_str(&rest[start..]);
                return out;
            };
            let key = &rest[start + 1..start + len];
            out.push_str(&self.slot(rng, key));
            rest = &rest[start + len + 1..];
            if key == "year" && self.year.is_none() && !rest.starts_with("年底") {
                // An unprinted year leaves no "年" behind: "{year}年3月" → "3月".
                rest = rest.strip_prefix('年').unwrap_or(rest);
            }
        }
        out.push_str(rest);
        out
    }

    fn slot(&self, rng: &mut Rng, key: &str) -> String {
        match key {
            "gov" => self.gov.clone(),
            "who" => self.who.clone(),
            "item" => self.item.clone(),
            "body" => self.body.clone(),
            "unit" => self.unit.clone(),
            "unit_lower" => {
                if self.unit == "县" {
                    "乡镇".into()
                } else {
                    "县区".into()
                }
            }
            "place" => self.place_short.clone(),
            "year" => self.year.map(|y| y.to_string()).unwrap_or_default(),
            "month" => rng.range(2, 6).to_string(),
            "day" => rng.range(1, 28).to_string(),
            "dept" => dept(rng, &self.unit),
            "n" => rng.range(2, 9).to_string(),
            "n2" => rng.range(10, 60).to_string(),
            "n3" => rng.range(20, 400).to_string(),
            "n3b" => rng.range(10, 200).to_string(),
            "n4" => rng.range(1000, 40000).to_string(),
            "people" => (rng.range(2, 90) * 1000).to_string(),
            "money" => (rng.range(5, 900) * 100).to_string(),
            "money2" => (rng.range(1, 60) * 100).to_string(),
            "yi" => format!("{}.{}", rng.range(1, 60), rng.range(0, 9)),
            "p" => format!("{}.{}", rng.range(60, 98), rng.range(0, 9)),
            "p_high" => rng.range(95, 99).to_string(),
            "p_small" => format!("{}.{}", rng.range(1, 4), rng.range(0, 9)),
            "p_big" => format!("{}.{:02}", rng.range(20, 180), rng.range(0, 99)),
            "pp" => rng.range(1, 5).to_string(),
            "thing" => rng.pick(THINGS).to_string(),
            "indicator" => rng.pick(INDICATORS).to_string(),
            "slogan" => rng.pick(SLOGANS).to_string(),
            "topic_doc" => rng
                .pick(TOPICS)
                .trim_start_matches("加快")
                .trim_start_matches("加强")
                .to_string(),
            _ => String::new(),
        }
    }

    /// One "how we handled it" section: a heading and 2–5 measures (一是…二是…).
    pub fn measures_section(&self, rng: &mut Rng, ordinal: usize) -> Vec<String> {
        let head = format!(
            "（{}）{}。",
            cn_integer(ordinal as u64),
            rng.pick(SECTION_HEADS)
        );
        let k = rng.range(3, 7) as usize;
        let picks = rng.sample(MEASURES, k);
        let numbered = rng.chance(0.6);
        let mut body = String::new();
        if rng.chance(0.5) {
            let e = *rng.pick(ELABORATIONS);
            body.push_str(&self.fill(rng, e));
            body.push('。');
        }
        for (i, m) in picks.iter().enumerate() {
            if numbered {
                body.push_str(&format!("{}是", cn_integer(i as u64 + 1)));
            }
            body.push_str(&self.fill(rng, m));
            body.push('。');
        }
        vec![head, body]
    }

    /// A named item paragraph; returns the text, the lead proposer and the item number if printed.
    pub fn named_item(&self, rng: &mut Rng, ordinal: usize) -> (String, String, Option<u64>) {
        let lead = person(rng);
        let topic = rng.pick(TOPICS);
        let co = rng.range(0, 6);
        let number = rng.chance(0.45).then(|| rng.range(1, 420));
        let who_one = if self.who.starts_with('委') {
            "委员"
        } else {
            "代表"
        };
        let noun = if self.item.contains("提案") && !self.item.contains("建议") {
            "提案"
        } else {
            "建议"
        };
        let by = if co > 1 {
            format!("{lead}等{co}位{who_one}")
        } else {
            format!("{lead}{who_one}")
        };
        let num_txt = match number {
            Some(n) if rng.chance(0.5) => format!("（第{n}号{noun}）"),
            Some(n) => format!("（{n}号{noun}）"),
            None => String::new(),
        };
        let mut s = format!(
            "（{}）{by}提出的关于{topic}的{noun}{num_txt}。",
            cn_integer(ordinal as u64)
        );
        let k = rng.range(2, 5) as usize;
        for (i, a) in rng.sample(ACTIONS, k).iter().enumerate() {
            s.push_str(&format!("{}是", cn_integer(i as u64 + 1)));
            s.push_str(&self.fill(rng, a));
            s.push('。');
        }
        (s, lead, number)
    }

    /// A longer paragraph of context (background, significance).
    pub fn elaboration(&self, rng: &mut Rng) -> String {
        let e = *rng.pick(ELABORATIONS);
        format!("{}。", self.fill(rng, e))
    }

    pub fn problems(&self, rng: &mut Rng) -> String {
        let tpl = *rng.pick(PROBLEMS);
        format!("{}。", self.fill(rng, tpl))
    }

    pub fn next_steps(&self, rng: &mut Rng) -> String {
        let k = rng.range(2, 4) as usize;
        let picks = rng.sample(NEXT_STEPS, k);
        let mut s = String::new();
        for (i, p) in picks.iter().enumerate() {
            s.push_str(&format!("{}是", cn_integer(i as u64 + 1)));
            s.push_str(&self.fill(rng, p));
            s.push('。');
        }
        s
    }
}
