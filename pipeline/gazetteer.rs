//! Chinese administrative divisions (`datasets/gazetteer/divisions.csv`), for recognising a
//! jurisdiction named in a report and the province it belongs to.

use std::collections::HashMap;
use std::path::Path;

use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq)]
pub struct Division {
    pub code: String,
    pub name: String,
    pub short_name: String,
    /// provincial | prefecture | county
    pub level: String,
    pub province: String,
    pub prefecture: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Gazetteer {
    pub divisions: Vec<Division>,
    by_name: HashMap<String, Vec<usize>>,
}

impl Gazetteer {
    pub fn parse(path: &Path, src: &str) -> Result<Gazetteer> {
        let mut lines = src.lines().enumerate();
        let header = lines
            .next()
            .map(|(_, h)| h.trim_start_matches('\u{FEFF}'))
            .unwrap_or("");
        let expected = "code,name,short_name,level,province,prefecture";
        if header.trim() != expected {
            return Err(Error::Rules {
                path: path.into(),
                line: 1,
                column: 1,
                message: format!("expected header {expected:?}"),
            });
        }
        let mut g = Gazetteer::default();
        for (i, line) in lines {
            if line.trim().is_empty() {
                continue;
            }
            let f: Vec<&str> = line.split(',').map(str::trim).collect();
            if f.len() != 6 {
                return Err(Error::Rules {
                    path: path.into(),
                    line: i + 1,
                    column: 1,
                    message: format!("expected 6 comma-separated fields, found {}", f.len()),
                });
            }
            if !matches!(f[3], "provincial" | "prefecture" | "county") {
                return Err(Error::Rules {
                    path: path.into(),
                    line: i + 1,
                    column: 1,
                    message: format!(
                        "level must be provincial, prefecture or county, found {:?}",
                        f[3]
                    ),
                });
            }
            g.push(Division {
                code: f[0].into(),
                name: f[1].into(),
                short_name: f[2].into(),
                level: f[3].into(),
                province: f[4].into(),
                prefecture: (!f[5].is_empty()).then(|| f[5].to_string()),
            });
        }
        Ok(g)
    }

    fn push(&mut self, d: Division) {
        let idx = self.divisions.len();
        self.by_name.entry(d.name.clone()).or_default().push(idx);
        if d.short_name != d.name {
            self.by_name
                .entry(d.short_name.clone())
                .or_default()
                .push(idx);
        }
        self.divisions.push(d);
    }

    /// Divisions with this full or short name.
    pub fn lookup(&self, name: &str) -> Vec<&Division> {
        self.by_name
            .get(name)
            .map(|v| v.iter().map(|i| &self.divisions[*i]).collect())
            .unwrap_or_default()
    }

    /// Divisions with this full name only.
    pub fn lookup_full(&self, name: &str) -> Vec<&Division> {
        self.lookup(name)
            .into_iter()
            .filter(|d| d.name == name)
            .collect()
    }
}
