//! The registry: the IP rights the user holds.
//!
//! Read as [`RawRegistry`] (serde, unknown fields refused) and checked into
//! a [`Registry`] by [`Registry::load`]. Every error names the file, the
//! entry and the field, so a typo is found at load time rather than as a
//! silent miss halfway through a sweep.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::ConfigError;
use crate::model::RightKind;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRegistry {
    #[serde(default, rename = "holder")]
    pub holders: Vec<RawHolder>,
    pub agent: Option<RawAgent>,
    #[serde(default, rename = "mark")]
    pub marks: Vec<RawMark>,
    #[serde(default, rename = "work")]
    pub works: Vec<RawWork>,
    #[serde(default, rename = "authorised_seller")]
    pub authorised_sellers: Vec<RawAuthorisedSeller>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHolder {
    pub id: String,
    pub name: String,
    pub email: String,
    #[serde(default)]
    pub address: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAgent {
    pub name: String,
    pub email: String,
    /// Holder id → reference of the letter of authorisation.
    #[serde(default)]
    pub authorisation: HashMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMark {
    pub id: String,
    pub text: String,
    pub holder: String,
    pub registry: String,
    pub registration: String,
    pub classes: Vec<u16>,
    pub valid_until: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWork {
    pub id: String,
    pub kind: String,
    pub title: String,
    pub holder: String,
    pub registration: String,
    pub images: Vec<String>,
    pub valid_until: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAuthorisedSeller {
    pub name: String,
    pub holder: String,
}

/// A rights holder.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    pub id: String,
    pub name: String,
    pub email: String,
    pub address: String,
}

/// The agent who files for the holders.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agent {
    pub name: String,
    pub email: String,
    pub authorisation: HashMap<String, String>,
}

/// A registered word mark.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mark {
    pub id: String,
    pub text: String,
    pub holder: String,
    pub registry: String,
    pub registration: String,
    /// Nice classes the mark is registered for.
    pub classes: Vec<u16>,
    pub valid_until: Date,
}

/// A copyrighted work or registered design, with its image files.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Work {
    pub id: String,
    pub kind: RightKind,
    pub title: String,
    pub holder: String,
    pub registration: String,
    pub images: Vec<PathBuf>,
    pub valid_until: Option<Date>,
}

/// A right as a draft names it: enough for the filing form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RightRef {
    pub id: String,
    pub kind: RightKind,
    /// The mark's text or the work's title.
    pub name: String,
    pub registry: Option<String>,
    pub registration: String,
    pub holder: String,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub classes: Vec<u16>,
    pub valid_until: Option<Date>,
}

/// The registry, checked.
#[derive(Clone, Debug)]
pub struct Registry {
    pub holders: Vec<Holder>,
    pub agent: Option<Agent>,
    pub marks: Vec<Mark>,
    pub works: Vec<Work>,
    /// Lower-cased names of authorised sellers.
    pub authorised_sellers: Vec<String>,
    /// Where it was read from, for messages.
    pub source: String,
}

impl Registry {
    /// Reads and checks a registry file; image paths are relative to it.
    pub fn load(path: &Path) -> Result<Registry, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Io {
            path: path.display().to_string(),
            source: e,
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        Registry::parse(&text, &path.display().to_string(), base)
    }

    /// Checks a registry given as text; `base` is where image paths start.
    pub fn parse(text: &str, source: &str, base: &Path) -> Result<Registry, ConfigError> {
        let raw: RawRegistry = toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: source.to_string(),
            message: e.to_string(),
        })?;
        compile(raw, source, base)
    }

    pub fn holder(&self, id: &str) -> Option<&Holder> {
        self.holders.iter().find(|h| h.id == id)
    }

    pub fn mark(&self, id: &str) -> Option<&Mark> {
        self.marks.iter().find(|m| m.id == id)
    }

    pub fn work(&self, id: &str) -> Option<&Work> {
        self.works.iter().find(|w| w.id == id)
    }

    /// The right with this id, described for a draft.
    pub fn right(&self, id: &str) -> Option<RightRef> {
        if let Some(m) = self.mark(id) {
            return Some(RightRef {
                id: m.id.clone(),
                kind: RightKind::Trademark,
                name: m.text.clone(),
                registry: Some(m.registry.clone()),
                registration: m.registration.clone(),
                holder: m.holder.clone(),
                classes: m.classes.clone(),
                valid_until: Some(m.valid_until),
            });
        }
        self.work(id).map(|w| RightRef {
            id: w.id.clone(),
            kind: w.kind,
            name: w.title.clone(),
            registry: None,
            registration: w.registration.clone(),
            holder: w.holder.clone(),
            classes: Vec::new(),
            valid_until: w.valid_until,
        })
    }

    /// Whether the right may rest a complaint on `today`.
    pub fn in_force(&self, id: &str, today: Date) -> bool {
        match self.right(id) {
            Some(r) => r.valid_until.is_none_or(|d| d >= today),
            None => false,
        }
    }

    /// Ids of rights that have expired by `today`, for the report.
    pub fn expired(&self, today: Date) -> Vec<String> {
        let marks = self.marks.iter().map(|m| m.id.as_str());
        let works = self.works.iter().map(|w| w.id.as_str());
        marks
            .chain(works)
            .filter(|id| !self.in_force(id, today))
            .map(str::to_string)
            .collect()
    }

    /// Whether `seller` is one of the holders' authorised sellers.
    pub fn is_authorised_seller(&self, seller: &str) -> bool {
        let seller = seller.trim().to_lowercase();
        !seller.is_empty() && self.authorised_sellers.contains(&seller)
    }
}

fn compile(raw: RawRegistry, source: &str, base: &Path) -> Result<Registry, ConfigError> {
    let err = |entry: &str, field: &str, message: String| ConfigError::Invalid {
        path: source.to_string(),
        entry: entry.to_string(),
        field: field.to_string(),
        message,
    };
    let mut ids: HashMap<String, &'static str> = HashMap::new();
    let mut claim = |id: &str, what: &'static str, entry: &str| {
        if id.trim().is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)) {
            return Err(err(
                entry,
                "id",
                format!("{id:?} must be non-empty ASCII letters, digits, '-', '_' or '.'"),
            ));
        }
        if let Some(prev) = ids.insert(id.to_string(), what) {
            return Err(err(entry, "id", format!("{id:?} is already used by a {prev}")));
        }
        Ok(())
    };

    let mut holders = Vec::new();
    for (i, h) in raw.holders.into_iter().enumerate() {
        let entry = format!("holder[{i}] ({})", h.id);
        claim(&h.id, "holder", &entry)?;
        if h.name.trim().is_empty() {
            return Err(err(&entry, "name", "must not be empty".into()));
        }
        if !h.email.contains('@') {
            return Err(err(&entry, "email", format!("{:?} is not an e-mail address", h.email)));
        }
        holders.push(Holder {
            id: h.id,
            name: h.name,
            email: h.email,
            address: h.address,
        });
    }
    let known_holder = |entry: &str, id: &str| {
        if holders.iter().any(|h| h.id == id) {
            Ok(())
        } else {
            Err(err(entry, "holder", format!("{id:?} is not a [[holder]] id")))
        }
    };

    let agent = match raw.agent {
        Some(a) => {
            for holder in a.authorisation.keys() {
                known_holder("agent", holder)?;
            }
            Some(Agent {
                name: a.name,
                email: a.email,
                authorisation: a.authorisation,
            })
        }
        None => None,
    };

    let mut marks = Vec::new();
    for (i, m) in raw.marks.into_iter().enumerate() {
        let entry = format!("mark[{i}] ({})", m.id);
        claim(&m.id, "mark", &entry)?;
        known_holder(&entry, &m.holder)?;
        if m.text.chars().filter(|c| c.is_alphanumeric()).count() < 2 {
            return Err(err(
                &entry,
                "text",
                format!("{:?} needs at least two letters or digits", m.text),
            ));
        }
        if m.classes.is_empty() || m.classes.iter().any(|c| !(1..=45).contains(c)) {
            return Err(err(
                &entry,
                "classes",
                format!("{:?}: Nice classes run from 1 to 45", m.classes),
            ));
        }
        let valid_until = parse_date(&m.valid_until).map_err(|e| err(&entry, "valid_until", e))?;
        marks.push(Mark {
            id: m.id,
            text: m.text.trim().to_string(),
            holder: m.holder,
            registry: m.registry,
            registration: m.registration,
            classes: m.classes,
            valid_until,
        });
    }

    let mut works = Vec::new();
    for (i, w) in raw.works.into_iter().enumerate() {
        let entry = format!("work[{i}] ({})", w.id);
        claim(&w.id, "work", &entry)?;
        known_holder(&entry, &w.holder)?;
        let kind = match w.kind.as_str() {
            "copyright" => RightKind::Copyright,
            "design" => RightKind::Design,
            other => {
                return Err(err(
                    &entry,
                    "kind",
                    format!("{other:?}: expected \"copyright\" or \"design\""),
                ))
            }
        };
        if w.images.is_empty() {
            return Err(err(&entry, "images", "lists no image".into()));
        }
        let mut images = Vec::new();
        for image in &w.images {
            let path = base.join(image);
            if !path.is_file() {
                return Err(err(&entry, "images", format!("{} does not exist", path.display())));
            }
            images.push(path);
        }
        let valid_until = match &w.valid_until {
            Some(d) => Some(parse_date(d).map_err(|e| err(&entry, "valid_until", e))?),
            None => None,
        };
        works.push(Work {
            id: w.id,
            kind,
            title: w.title,
            holder: w.holder,
            registration: w.registration,
            images,
            valid_until,
        });
    }

    let mut authorised_sellers = Vec::new();
    for (i, s) in raw.authorised_sellers.into_iter().enumerate() {
        let entry = format!("authorised_seller[{i}] ({})", s.name);
        known_holder(&entry, &s.holder)?;
        authorised_sellers.push(s.name.trim().to_lowercase());
    }

    Ok(Registry {
        holders,
        agent,
        marks,
        works,
        authorised_sellers,
        source: source.to_string(),
    })
}

fn parse_date(s: &str) -> Result<Date, String> {
    s.parse::<Date>()
        .map_err(|e| format!("{s:?} is not a date (YYYY-MM-DD): {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("config")
    }

    #[test]
    fn shipped_registry_loads() {
        let r = Registry::load(&base().join("registry.toml")).unwrap();
        assert!(r.marks.len() >= 5);
        assert!(r.works.iter().any(|w| w.kind == RightKind::Design));
        let today: Date = "2026-11-23".parse().unwrap();
        assert_eq!(r.expired(today), vec!["tm-brightwell".to_string()]);
        assert!(r.is_authorised_seller("  velora official STORE "));
    }

    #[test]
    fn unknown_field_is_named() {
        let e = Registry::parse("[[mark]]\nid='x'\ntxt='Foo'\n", "r.toml", &base()).unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("r.toml") && msg.contains("txt"), "{msg}");
    }

    #[test]
    fn bad_holder_and_missing_image_are_named() {
        let holder = "[[holder]]\nid='h'\nname='H'\nemail='h@x.example'\n";
        let bad = format!(
            "{holder}[[mark]]\nid='tm-a'\ntext='Acme'\nholder='nobody'\nregistry='EUIPO'\nregistration='1'\nclasses=[25]\nvalid_until='2030-01-01'\n"
        );
        let msg = Registry::parse(&bad, "r.toml", &base()).unwrap_err().to_string();
        assert!(
            msg.contains("tm-a") && msg.contains("holder") && msg.contains("nobody"),
            "{msg}"
        );

        let missing = format!(
            "{holder}[[work]]\nid='cr-x'\nkind='copyright'\ntitle='X'\nholder='h'\nregistration='1'\nimages=['works/nope.png']\n"
        );
        let msg = Registry::parse(&missing, "r.toml", &base()).unwrap_err().to_string();
        assert!(msg.contains("cr-x") && msg.contains("nope.png"), "{msg}");

        let date = format!(
            "{holder}[[mark]]\nid='tm-b'\ntext='Acme'\nholder='h'\nregistry='EUIPO'\nregistration='1'\nclasses=[25]\nvalid_until='2030-13-01'\n"
        );
        let msg = Registry::parse(&date, "r.toml", &base()).unwrap_err().to_string();
        assert!(msg.contains("tm-b") && msg.contains("valid_until"), "{msg}");
    }
}
