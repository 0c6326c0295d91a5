//! Site profiles: everything the crawler knows about one marketplace.
//!
//! A new marketplace with a different layout needs a new profile, not new
//! code: where the seeds are, how to find listing links and the next page,
//! where a listing's fields are (schema.org `Product` JSON-LD first, then CSS
//! selectors), how a listing URL becomes canonical, and how the
//! marketplace's categories map to Nice classes.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use regex::Regex;
use scraper::Selector;
use serde::Deserialize;
use url::Url;

use super::ConfigError;

/// The profile of the built-in fixture marketplace.
pub const FIXTURE_PROFILE_TOML: &str = include_str!("../../config/sites/fixture.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSite {
    pub name: String,
    pub platform: String,
    pub base_url: Option<String>,
    #[serde(default)]
    pub allowed_hosts: Vec<String>,
    #[serde(default)]
    pub allow_loopback: bool,
    #[serde(default = "default_max_urls")]
    pub max_urls_per_complaint: usize,
    pub seeds: RawSeeds,
    #[serde(default)]
    pub crawl: RawCrawl,
    pub search_page: RawSearchPage,
    pub listing: RawListing,
    pub canonical: RawCanonical,
    #[serde(default)]
    pub categories: BTreeMap<String, Vec<u16>>,
    /// Word lists of the marketplace's languages, read beside the English
    /// list the binary carries: files of one word a line (`#` starts a
    /// comment), named relative to the profile's own folder. A near miss
    /// of a mark that is an ordinary word in the listing's language ("Lowe"
    /// in German for a mark "Loewe") needs backing before it is drafted.
    #[serde(default)]
    pub words: Vec<String>,
}

fn default_max_urls() -> usize {
    300
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSeeds {
    /// A search URL with `{query}`, fetched once per registered mark.
    pub search: Option<String>,
    /// Fixed start pages (category or browse pages).
    #[serde(default)]
    pub pages: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawCrawl {
    pub concurrency: usize,
    pub connect_timeout_secs: f64,
    pub request_timeout_secs: f64,
    pub max_page_bytes: usize,
    pub max_image_bytes: usize,
    pub max_images_per_listing: usize,
    pub max_redirects: usize,
    pub retries: u32,
    pub backoff_ms: u64,
    pub max_pages: usize,
    pub max_depth: usize,
    pub user_agent: String,
    /// Read and obey each host's robots.txt.
    pub obey_robots: bool,
    /// The least time between two requests to one host, in milliseconds;
    /// a robots.txt Crawl-delay that asks for more wins.
    pub delay_ms: u64,
    /// The most a robots.txt Crawl-delay is allowed to ask, in seconds.
    pub max_crawl_delay_secs: f64,
}

impl Default for RawCrawl {
    fn default() -> Self {
        RawCrawl {
            concurrency: 4,
            connect_timeout_secs: 5.0,
            request_timeout_secs: 20.0,
            max_page_bytes: 4 << 20,
            max_image_bytes: 8 << 20,
            max_images_per_listing: 6,
            max_redirects: 5,
            retries: 3,
            backoff_ms: 500,
            max_pages: 50_000,
            max_depth: 50,
            user_agent: concat!("knockoff/", env!("CARGO_PKG_VERSION"), " (brand protection scanner)").to_string(),
            obey_robots: true,
            delay_ms: 500,
            max_crawl_delay_secs: 30.0,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSearchPage {
    pub listing_links: String,
    pub next_page: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawListing {
    #[serde(default = "yes")]
    pub json_ld: bool,
    pub title: Option<String>,
    pub description: Option<String>,
    pub price: Option<String>,
    pub seller: Option<String>,
    pub category: Option<String>,
    pub images: Option<String>,
    #[serde(default = "default_image_attr")]
    pub image_attr: String,
    /// Page state embedded in a script (AliExpress's `window.runParams`).
    pub page_state: Option<RawPageState>,
}

/// Where a listing's fields sit in page state a script assigns to a
/// variable, as JSON pointers (RFC 6901) into the assigned object.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPageState {
    /// The variable, e.g. `window.runParams`.
    pub variable: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub price: Option<String>,
    pub seller: Option<String>,
    pub category: Option<String>,
    /// A pointer to an array of image URLs (or to one URL).
    pub images: Option<String>,
}

fn yes() -> bool {
    true
}

fn default_image_attr() -> String {
    "src".into()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCanonical {
    /// A regular expression over the URL's path and query whose first
    /// capture group that matches is the item id. URLs it does not match are not listings.
    pub item_id: String,
    /// The canonical URL, with `{id}` and optionally `{origin}` (the
    /// fetched URL's scheme, host and port). A fixed origin, as a
    /// marketplace's own item URLs have, keeps a listing's identity stable
    /// whatever mirror or port it was fetched from.
    pub template: String,
}

/// Crawl limits, checked.
#[derive(Clone, Debug)]
pub struct CrawlLimits {
    pub concurrency: usize,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    pub max_page_bytes: usize,
    pub max_image_bytes: usize,
    pub max_images_per_listing: usize,
    pub max_redirects: usize,
    pub retries: u32,
    pub backoff: Duration,
    pub max_pages: usize,
    pub max_depth: usize,
    pub user_agent: String,
    pub obey_robots: bool,
    pub delay: Duration,
    pub max_crawl_delay: Duration,
}

/// CSS selectors for a listing page's fields.
#[derive(Clone, Debug)]
pub struct ListingSelectors {
    pub json_ld: bool,
    pub title: Option<Selector>,
    pub description: Option<Selector>,
    pub price: Option<Selector>,
    pub seller: Option<Selector>,
    pub category: Option<Selector>,
    pub images: Option<Selector>,
    pub image_attr: String,
    pub page_state: Option<RawPageState>,
}

/// A site profile, checked and compiled.
#[derive(Clone, Debug)]
pub struct SiteProfile {
    pub name: String,
    pub platform: String,
    pub base_url: Option<Url>,
    /// Hosts requests may go to (lower-case).
    pub allowed_hosts: Vec<String>,
    /// Whether loopback addresses may be fetched (the fixture server only).
    pub allow_loopback: bool,
    pub max_urls_per_complaint: usize,
    pub search_seed: Option<String>,
    pub seed_pages: Vec<String>,
    pub limits: CrawlLimits,
    pub listing_links: Selector,
    pub next_page: Option<Selector>,
    pub listing: ListingSelectors,
    item_id: Regex,
    template: String,
    /// Category name (lower-case) → Nice classes.
    pub categories: BTreeMap<String, Vec<u16>>,
    /// The words of the profile's own word lists (`words`), one a line,
    /// checked: the matcher reads them beside its English list.
    pub words: Arc<str>,
}

impl SiteProfile {
    /// Reads and checks a profile; its word lists are read from beside it.
    pub fn load(path: &Path) -> Result<SiteProfile, ConfigError> {
        let text = read(path)?;
        let raw = parse_raw(&text, &path.display().to_string())?;
        compile(raw, &path.display().to_string(), path.parent().unwrap_or(Path::new("")))
    }

    /// The built-in fixture marketplace's profile.
    pub fn fixture() -> SiteProfile {
        SiteProfile::parse(FIXTURE_PROFILE_TOML, "config/sites/fixture.toml")
            .expect("the shipped fixture profile is valid (tested)")
    }

    /// Checks a profile given as text; word lists it names are read
    /// relative to the working directory.
    pub fn parse(text: &str, source: &str) -> Result<SiteProfile, ConfigError> {
        compile(parse_raw(text, source)?, source, Path::new(""))
    }

    /// Points the profile at `base` (the fixture server's address) and
    /// allows its host.
    pub fn with_base_url(mut self, base: Url) -> SiteProfile {
        if let Some(host) = base.host_str() {
            let host = host.to_ascii_lowercase();
            if !self.allowed_hosts.contains(&host) {
                self.allowed_hosts.push(host);
            }
        }
        self.base_url = Some(base);
        self
    }

    /// The platform's item id in `url`, if it is a listing URL.
    pub fn item_id(&self, url: &Url) -> Option<String> {
        let tail = match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        };
        // The first group that took part is the id, so alternate URL shapes
        // can each have their own group.
        let caps = self.item_id.captures(&tail)?;
        caps.iter().skip(1).flatten().next().map(|m| m.as_str().to_string())
    }

    /// The canonical URL of a listing URL: the profile's template filled
    /// with the origin and the item id, so tracking parameters and alternate
    /// paths all collapse to one identity.
    pub fn canonical(&self, url: &Url) -> Option<(String, String)> {
        let id = self.item_id(url)?;
        let origin = url.origin().ascii_serialization();
        Some((self.template.replace("{origin}", &origin).replace("{id}", &id), id))
    }

    /// The start URLs: the search seed once per query, then the fixed pages.
    pub fn seeds(&self, queries: &[String]) -> Result<Vec<Url>, ConfigError> {
        let base = self.base_url.as_ref().ok_or_else(|| ConfigError::Invalid {
            path: self.name.clone(),
            entry: "site".into(),
            field: "base_url".into(),
            message: "is needed to build seed URLs (or pass --start URL)".into(),
        })?;
        let bad = |s: &str, e: url::ParseError| ConfigError::Invalid {
            path: self.name.clone(),
            entry: "seeds".into(),
            field: "search".into(),
            message: format!("{s:?}: {e}"),
        };
        let mut out = Vec::new();
        if let Some(search) = &self.search_seed {
            for q in queries {
                let encoded: String = url::form_urlencoded::byte_serialize(q.as_bytes()).collect();
                let s = search.replace("{query}", &encoded);
                out.push(base.join(&s).map_err(|e| bad(&s, e))?);
            }
        }
        for p in &self.seed_pages {
            out.push(base.join(p).map_err(|e| bad(p, e))?);
        }
        Ok(out)
    }

    /// Whether a listing's category sells goods of one of `classes`.
    ///
    /// `Some` where the profile maps the category as written (`Some(false)`:
    /// to other classes). A category it does not map whole may still name
    /// mapped ones: a level of a breadcrumb ("Women > Handbags"), one of
    /// several joined ("Jewelry & Watches"), or a word of one ("Women's
    /// Handbags", singular or plural). Where one of those is mapped to one
    /// of `classes`, the answer is `Some(true)`; otherwise `None`. A
    /// category understood only in part may say yes, never no: a wrong no
    /// would send listings of the mark's own goods to review.
    pub fn category_fit(&self, category: &str, classes: &[u16]) -> Option<bool> {
        let overlaps = |c: &Vec<u16>| c.iter().any(|c| classes.contains(c));
        let whole = category.trim().to_lowercase();
        if let Some(c) = self.categories.get(&whole) {
            return Some(overlaps(c));
        }
        let mapped = |key: &str| self.categories.get(key).is_some_and(overlaps);
        let fits = whole
            .split(|c: char| !(c.is_alphanumeric() || c == ' ' || c == '\'' || c == '-'))
            .map(str::trim)
            .filter(|piece| !piece.is_empty())
            .any(|piece| {
                mapped(piece)
                    || piece.split_whitespace().any(|word| {
                        let word = word.trim_end_matches("'s");
                        mapped(word)
                            || word.strip_suffix('s').is_some_and(mapped)
                            || mapped(&format!("{word}s"))
                            || mapped(&format!("{word}es"))
                    })
            });
        fits.then_some(true)
    }
}

fn read(path: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(path).map_err(|e| ConfigError::Io {
        path: path.display().to_string(),
        source: e,
    })
}

fn parse_raw(text: &str, source: &str) -> Result<RawSite, ConfigError> {
    toml::from_str(text).map_err(|e| ConfigError::Parse {
        path: source.to_string(),
        message: e.to_string(),
    })
}

/// The words of the lists `names` (relative to `dir`), one a line, comments
/// and blank lines left out. A line of more than one word is an error that
/// names the file and the line: a list in another format (a frequency list,
/// a CSV) would otherwise be read as words that no listing spells, and the
/// words it meant to list would flag.
fn read_words(names: &[String], dir: &Path) -> Result<Arc<str>, ConfigError> {
    let mut words = String::new();
    for name in names {
        let path = dir.join(name);
        let text = read(&path)?;
        for (n, line) in text.lines().enumerate() {
            let word = line.trim();
            if word.is_empty() || word.starts_with('#') {
                continue;
            }
            if word.contains(char::is_whitespace) {
                return Err(ConfigError::Invalid {
                    path: path.display().to_string(),
                    entry: format!("line {}", n + 1),
                    field: "word".into(),
                    message: format!("{word:?} is not one word (a word list has one word a line)"),
                });
            }
            words.push_str(word);
            words.push('\n');
        }
    }
    Ok(words.into())
}

fn compile(raw: RawSite, source: &str, dir: &Path) -> Result<SiteProfile, ConfigError> {
    let err = |entry: &str, field: &str, message: String| ConfigError::Invalid {
        path: source.to_string(),
        entry: entry.to_string(),
        field: field.to_string(),
        message,
    };
    let selector = |entry: &str, field: &str, s: &str| {
        Selector::parse(s).map_err(|e| err(entry, field, format!("{s:?} is not a CSS selector: {e}")))
    };
    let optional = |field: &str, s: &Option<String>| s.as_deref().map(|s| selector("listing", field, s)).transpose();

    let base_url = match &raw.base_url {
        Some(b) => Some(Url::parse(b).map_err(|e| err("site", "base_url", format!("{b:?}: {e}")))?),
        None => None,
    };
    let mut allowed_hosts: Vec<String> = raw.allowed_hosts.iter().map(|h| h.to_ascii_lowercase()).collect();
    if let Some(host) = base_url.as_ref().and_then(|b| b.host_str()) {
        if !allowed_hosts.iter().any(|h| h == host) {
            allowed_hosts.push(host.to_ascii_lowercase());
        }
    }
    if raw.max_urls_per_complaint == 0 {
        return Err(err("site", "max_urls_per_complaint", "must be at least 1".into()));
    }
    let c = &raw.crawl;
    if c.concurrency == 0 {
        return Err(err("crawl", "concurrency", "must be at least 1".into()));
    }
    for (field, secs) in [
        ("connect_timeout_secs", c.connect_timeout_secs),
        ("request_timeout_secs", c.request_timeout_secs),
    ] {
        if !(secs > 0.0 && secs.is_finite()) {
            return Err(err(
                "crawl",
                field,
                format!("{secs} must be a positive number of seconds"),
            ));
        }
    }
    let limits = CrawlLimits {
        concurrency: c.concurrency,
        connect_timeout: Duration::from_secs_f64(c.connect_timeout_secs),
        request_timeout: Duration::from_secs_f64(c.request_timeout_secs),
        max_page_bytes: c.max_page_bytes,
        max_image_bytes: c.max_image_bytes,
        max_images_per_listing: c.max_images_per_listing,
        max_redirects: c.max_redirects,
        retries: c.retries,
        backoff: Duration::from_millis(c.backoff_ms),
        max_pages: c.max_pages,
        max_depth: c.max_depth,
        user_agent: c.user_agent.clone(),
        obey_robots: c.obey_robots,
        delay: Duration::from_millis(c.delay_ms),
        max_crawl_delay: Duration::from_secs_f64(c.max_crawl_delay_secs),
    };
    let item_id = Regex::new(&raw.canonical.item_id)
        .map_err(|e| err("canonical", "item_id", format!("not a regular expression: {e}")))?;
    if item_id.captures_len() < 2 {
        return Err(err(
            "canonical",
            "item_id",
            "needs one capture group: the item id".into(),
        ));
    }
    if !raw.canonical.template.contains("{id}") {
        return Err(err("canonical", "template", "must contain {id}".into()));
    }
    if let Some(s) = &raw.seeds.search {
        if !s.contains("{query}") {
            return Err(err("seeds", "search", format!("{s:?} must contain {{query}}")));
        }
    }
    let l = &raw.listing;
    if let Some(ps) = &l.page_state {
        if ps.variable.trim().is_empty() {
            return Err(err(
                "listing.page_state",
                "variable",
                "must name the script variable".into(),
            ));
        }
        let pointers = [
            ("title", &ps.title),
            ("description", &ps.description),
            ("price", &ps.price),
            ("seller", &ps.seller),
            ("category", &ps.category),
            ("images", &ps.images),
        ];
        for (field, pointer) in pointers {
            if let Some(p) = pointer.as_deref().filter(|p| !p.is_empty() && !p.starts_with('/')) {
                return Err(err(
                    "listing.page_state",
                    field,
                    format!("{p:?} is not a JSON pointer (starts with '/')"),
                ));
            }
        }
    }
    if !l.json_ld && l.title.is_none() && l.page_state.is_none() {
        return Err(err(
            "listing",
            "title",
            "is needed when json_ld is off and there is no page_state".into(),
        ));
    }
    Ok(SiteProfile {
        name: raw.name,
        platform: raw.platform,
        base_url,
        allowed_hosts,
        allow_loopback: raw.allow_loopback,
        max_urls_per_complaint: raw.max_urls_per_complaint,
        search_seed: raw.seeds.search,
        seed_pages: raw.seeds.pages,
        limits,
        listing_links: selector("search_page", "listing_links", &raw.search_page.listing_links)?,
        next_page: raw
            .search_page
            .next_page
            .as_deref()
            .map(|s| selector("search_page", "next_page", s))
            .transpose()?,
        listing: ListingSelectors {
            json_ld: l.json_ld,
            title: optional("title", &l.title)?,
            description: optional("description", &l.description)?,
            price: optional("price", &l.price)?,
            seller: optional("seller", &l.seller)?,
            category: optional("category", &l.category)?,
            images: optional("images", &l.images)?,
            image_attr: l.image_attr.clone(),
            page_state: l.page_state.clone(),
        },
        item_id,
        template: raw.canonical.template,
        categories: raw
            .categories
            .into_iter()
            .map(|(k, v)| (k.trim().to_lowercase(), v))
            .collect(),
        words: read_words(&raw.words, dir)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_fit_whole_or_in_part() {
        let p = SiteProfile::fixture();
        // Mapped as written: yes or no.
        assert_eq!(p.category_fit(" watches ", &[14]), Some(true));
        assert_eq!(p.category_fit("Watches", &[25]), Some(false));
        // Understood in part: a level, a part or a word that is mapped.
        assert_eq!(p.category_fit("Clothing > Women > Dresses", &[25]), Some(true));
        assert_eq!(p.category_fit("Bags & Shoes", &[25]), Some(true));
        assert_eq!(p.category_fit("Bags & Shoes", &[18]), Some(true));
        assert_eq!(p.category_fit("Women's Watch", &[14]), Some(true));
        assert_eq!(p.category_fit("Kids / Toy", &[28]), Some(true));
        assert_eq!(p.category_fit("Electronics > Phone Accessories", &[9]), Some(true));
        // A part mapped elsewhere, or nothing mapped: not known, never no.
        assert_eq!(p.category_fit("Bags & Shoes", &[14]), None);
        assert_eq!(p.category_fit("Home Improvement > Power Tools", &[7]), None);
        assert_eq!(p.category_fit("", &[25]), None);
        assert_eq!(p.category_fit("Miscellaneous", &[25]), None);
    }

    #[test]
    fn fixture_profile_canonicalises_tracking_urls() {
        let p = SiteProfile::fixture().with_base_url(Url::parse("http://127.0.0.1:9000/").unwrap());
        let a = Url::parse("http://127.0.0.1:9000/item/1042.html?spm=a.b.c&algo_pvid=9").unwrap();
        let b = Url::parse("http://127.0.0.1:9000/i/1042?ref=search#reviews").unwrap();
        let (ca, ida) = p.canonical(&a).unwrap();
        assert_eq!(ca, "https://fixture-market.test/item/1042.html");
        assert_eq!(ida, "1042");
        assert_eq!(p.canonical(&b).unwrap().0, ca);
        assert!(p
            .canonical(&Url::parse("http://127.0.0.1:9000/search?q=x").unwrap())
            .is_none());
        let seeds = p.seeds(&["maison corvelle".into()]).unwrap();
        assert!(seeds[0].as_str().ends_with("/search?q=maison+corvelle"), "{}", seeds[0]);
    }

    #[test]
    fn bad_selector_is_named() {
        let text = FIXTURE_PROFILE_TOML.replace("listing_links = \"a.listing-link\"", "listing_links = \"a[[\"");
        let msg = SiteProfile::parse(&text, "x.toml").unwrap_err().to_string();
        assert!(msg.contains("x.toml") && msg.contains("listing_links"), "{msg}");
    }
}
