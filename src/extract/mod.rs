//! Extraction: from a fetched page's HTML to links or listing fields.
//!
//! The crawler hands every page here. A search or browse page yields
//! listing links and the next page; a listing page yields its fields.
//! Fields come from schema.org `Product` JSON-LD when the profile allows it
//! (structured data survives layout changes far better than selectors), then
//! from page state a script embeds (AliExpress's `window.runParams`) at the
//! profile's JSON pointers, then from the profile's CSS selectors for
//! whatever is still missing.
//!
//! A listing page without a title is an error, never a silent empty listing:
//! it usually means the layout changed and the profile needs updating.

use scraper::{ElementRef, Html, Selector};
use serde_json::Value;
use url::Url;

use crate::config::site::RawPageState;
use crate::config::SiteProfile;

/// A listing page that yielded nothing usable.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ExtractError {
    #[error("{url}: no title found (neither JSON-LD Product name nor the profile's title selector matched)")]
    NoTitle { url: String },
}

/// What a search or browse page links to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Links {
    /// Listing links, absolute, in page order (not yet canonical).
    pub listings: Vec<Url>,
    pub next: Option<Url>,
}

/// A listing page's fields.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListingFields {
    pub title: String,
    pub description: String,
    pub price: Option<String>,
    pub seller: String,
    pub category: String,
    /// Absolute image URLs, de-duplicated, in gallery order.
    pub images: Vec<Url>,
}

/// Listing links and the next page of a search or browse page.
pub fn links(html: &str, page: &Url, site: &SiteProfile) -> Links {
    let doc = Html::parse_document(html);
    let hrefs = |sel: &Selector| -> Vec<Url> {
        doc.select(sel)
            .filter_map(|e| e.value().attr("href"))
            .filter_map(|h| page.join(h.trim()).ok())
            .filter(|u| matches!(u.scheme(), "http" | "https"))
            .collect()
    };
    let mut listings = hrefs(&site.listing_links);
    dedup_in_order(&mut listings);
    let next = site.next_page.as_ref().and_then(|sel| hrefs(sel).into_iter().next());
    Links { listings, next }
}

/// A listing page's fields: JSON-LD first, CSS selectors for the rest.
pub fn listing(html: &str, page: &Url, site: &SiteProfile) -> Result<ListingFields, ExtractError> {
    let doc = Html::parse_document(html);
    let sel = &site.listing;
    let mut fields = if sel.json_ld {
        json_ld_product(&doc, page).unwrap_or_default()
    } else {
        ListingFields::default()
    };

    if let Some(ps) = &sel.page_state {
        fill_from_page_state(&mut fields, &doc, page, ps);
    }
    let css = |s: &Option<Selector>| {
        s.as_ref()
            .and_then(|s| doc.select(s).next())
            .map(text_of)
            .unwrap_or_default()
    };
    if fields.title.is_empty() {
        fields.title = css(&sel.title);
    }
    if fields.description.is_empty() {
        fields.description = css(&sel.description);
    }
    if fields.price.is_none() {
        fields.price = Some(css(&sel.price)).filter(|p| !p.is_empty());
    }
    if fields.seller.is_empty() {
        fields.seller = css(&sel.seller);
    }
    if fields.category.is_empty() {
        fields.category = css(&sel.category);
    }
    if fields.images.is_empty() {
        if let Some(s) = &sel.images {
            fields.images = doc
                .select(s)
                .filter_map(|e| e.value().attr(&sel.image_attr))
                .filter_map(|src| page.join(src.trim()).ok())
                .collect();
        }
    }
    fields.images.retain(|u| matches!(u.scheme(), "http" | "https"));
    dedup_in_order(&mut fields.images);
    if fields.title.is_empty() {
        return Err(ExtractError::NoTitle { url: page.to_string() });
    }
    Ok(fields)
}

/// The text of an element with whitespace collapsed, as a reader sees it.
fn text_of(e: ElementRef<'_>) -> String {
    collapse(&e.text().collect::<String>())
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn dedup_in_order(urls: &mut Vec<Url>) {
    let mut seen = std::collections::HashSet::new();
    urls.retain(|u| seen.insert(u.as_str().to_string()));
}

/// The first schema.org `Product` in the page's JSON-LD blocks. Broken JSON
/// is skipped: a page with a malformed block may still have good selectors.
fn json_ld_product(doc: &Html, page: &Url) -> Option<ListingFields> {
    let scripts = Selector::parse(r#"script[type="application/ld+json"]"#).expect("static selector");
    doc.select(&scripts)
        .filter_map(|s| serde_json::from_str::<Value>(&s.text().collect::<String>()).ok())
        .find_map(|v| find_product(&v).map(|p| product_fields(p, page)))
}

/// A JSON value as a reader sees it: a string collapsed, a number written
/// out, an object by its `name` (schema.org nests sellers and brands so).
fn value_text(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => collapse(s),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Object(o)) => o.get("name").and_then(Value::as_str).map(collapse).unwrap_or_default(),
        _ => String::new(),
    }
}

/// Fills the fields still empty from page state a script assigns to a
/// variable, at the profile's JSON pointers.
fn fill_from_page_state(fields: &mut ListingFields, doc: &Html, page: &Url, ps: &RawPageState) {
    let Some(state) = page_state(doc, &ps.variable) else {
        return;
    };
    let at = |p: &Option<String>| p.as_deref().map(|p| value_text(state.pointer(p))).unwrap_or_default();
    for (field, pointer) in [
        (&mut fields.title, &ps.title),
        (&mut fields.description, &ps.description),
        (&mut fields.seller, &ps.seller),
        (&mut fields.category, &ps.category),
    ] {
        if field.is_empty() {
            *field = at(pointer);
        }
    }
    if fields.price.is_none() {
        fields.price = Some(at(&ps.price)).filter(|p| !p.is_empty());
    }
    if fields.images.is_empty() {
        let images = match ps.images.as_deref().and_then(|p| state.pointer(p)) {
            Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
            Some(Value::String(s)) => vec![s.as_str()],
            _ => Vec::new(),
        };
        fields.images = images.into_iter().filter_map(|i| page.join(i.trim()).ok()).collect();
    }
}

/// The object a script assigns to `variable` (`window.runParams = {…};`),
/// read as JSON once any bare object keys (`{data: …}`, as JavaScript
/// allows) are quoted.
fn page_state(doc: &Html, variable: &str) -> Option<Value> {
    let scripts = Selector::parse("script").expect("static selector");
    doc.select(&scripts).find_map(|script| {
        let text: String = script.text().collect();
        let at = text.find(variable)?;
        let rest = text[at + variable.len()..].trim_start().strip_prefix('=')?.trim_start();
        let object = balanced(rest)?;
        serde_json::from_str(object)
            .ok()
            .or_else(|| serde_json::from_str(&quote_keys(object)).ok())
    })
}

/// Tracks whether a scan of JavaScript source is inside a string literal.
#[derive(Default)]
struct Literal {
    quote: Option<char>,
    escaped: bool,
}

impl Literal {
    /// Feeds the next character; true when it belongs to a string literal
    /// (its quotes included).
    fn feed(&mut self, c: char) -> bool {
        if let Some(q) = self.quote {
            if self.escaped {
                self.escaped = false;
            } else if c == '\\' {
                self.escaped = true;
            } else if c == q {
                self.quote = None;
            }
            return true;
        }
        if c == '"' || c == '\'' {
            self.quote = Some(c);
            return true;
        }
        false
    }
}

/// The `{…}` that `s` starts with, brackets counted outside string literals.
fn balanced(s: &str) -> Option<&str> {
    if !s.starts_with('{') {
        return None;
    }
    let (mut depth, mut literal) = (0usize, Literal::default());
    for (i, c) in s.char_indices() {
        if literal.feed(c) {
            continue;
        }
        match c {
            '{' | '[' => depth += 1,
            '}' | ']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(&s[..=i]);
                }
            }
            _ => {}
        }
    }
    None
}

/// Quotes bare object keys outside string literals: `{a: 1}` → `{"a": 1}`.
fn quote_keys(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    let mut chars = s.char_indices().peekable();
    let (mut literal, mut expect_key) = (Literal::default(), false);
    while let Some((i, c)) = chars.next() {
        if literal.feed(c) {
            out.push(c);
            continue;
        }
        if expect_key && (c.is_ascii_alphabetic() || c == '_' || c == '$') {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = chars.peek() {
                if d.is_ascii_alphanumeric() || d == '_' || d == '$' {
                    end = j + d.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            if s[end..].trim_start().starts_with(':') {
                out.push('"');
                out.push_str(&s[i..end]);
                out.push('"');
            } else {
                out.push_str(&s[i..end]);
            }
            expect_key = false;
            continue;
        }
        match c {
            '{' | ',' => expect_key = true,
            c if c.is_whitespace() => {}
            _ => expect_key = false,
        }
        out.push(c);
    }
    out
}

fn find_product(v: &Value) -> Option<&Value> {
    match v {
        Value::Array(items) => items.iter().find_map(find_product),
        Value::Object(o) => {
            let is_product = match o.get("@type") {
                Some(Value::String(t)) => t == "Product",
                Some(Value::Array(ts)) => ts.iter().any(|t| t == "Product"),
                _ => false,
            };
            if is_product {
                Some(v)
            } else {
                o.get("@graph").and_then(find_product)
            }
        }
        _ => None,
    }
}

fn product_fields(p: &Value, page: &Url) -> ListingFields {
    let string = value_text;
    let offers = match p.get("offers") {
        Some(Value::Array(a)) => a.first(),
        other => other,
    };
    let price = offers
        .map(|o| string(o.get("price")))
        .filter(|s| !s.is_empty())
        .map(
            |price| match offers.and_then(|o| o.get("priceCurrency")).and_then(Value::as_str) {
                Some(cur) => format!("{price} {cur}"),
                None => price,
            },
        );
    let seller = offers.map(|o| string(o.get("seller"))).unwrap_or_default();
    let images = match p.get("image") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|i| i.as_str().or_else(|| i.get("url").and_then(Value::as_str)))
            .collect(),
        Some(Value::Object(o)) => o.get("url").and_then(Value::as_str).into_iter().collect(),
        _ => Vec::new(),
    };
    ListingFields {
        title: string(p.get("name")),
        description: string(p.get("description")),
        price,
        seller,
        category: string(p.get("category")),
        images: images.into_iter().filter_map(|i| page.join(i.trim()).ok()).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> SiteProfile {
        SiteProfile::fixture().with_base_url(Url::parse("http://127.0.0.1:1/").unwrap())
    }

    fn page() -> Url {
        Url::parse("http://127.0.0.1:1/item/7.html").unwrap()
    }

    #[test]
    fn json_ld_wins_and_css_fills_gaps() {
        let html = r#"<html><head><script type="application/ld+json">
            {"@context":"https://schema.org","@graph":[{"@type":"BreadcrumbList"},
             {"@type":["Product"],"name":"Velora  bag","description":"Real &amp; new",
              "image":["/img/7/0.jpg",{"url":"/img/7/1.jpg"},"/img/7/0.jpg"],
              "offers":{"price":12.5,"priceCurrency":"USD","seller":{"name":"Shop A"}}}]}
            </script></head><body><h1 class="title">Other</h1>
            <span class="category"> Bags </span></body></html>"#;
        let f = listing(html, &page(), &site()).unwrap();
        assert_eq!(f.title, "Velora bag");
        assert_eq!(f.price.as_deref(), Some("12.5 USD"));
        assert_eq!(f.seller, "Shop A");
        assert_eq!(f.category, "Bags");
        let imgs: Vec<_> = f.images.iter().map(Url::as_str).collect();
        assert_eq!(
            imgs,
            ["http://127.0.0.1:1/img/7/0.jpg", "http://127.0.0.1:1/img/7/1.jpg"]
        );
    }

    #[test]
    fn broken_json_ld_falls_back_to_css() {
        let html = r#"<script type="application/ld+json">{"@type":"Product","name":</script>
            <h1 class="title"> Quilted
              bag </h1><div class="description">Soft</div><a class="seller">S</a>
            <div class="gallery"><img src="/a.jpg"><img src="javascript:x"></div>"#;
        let f = listing(html, &page(), &site()).unwrap();
        assert_eq!(f.title, "Quilted bag");
        assert_eq!(f.description, "Soft");
        assert_eq!(f.images.len(), 1);
    }

    #[test]
    fn page_state_fills_what_json_ld_lacks() {
        let profile = crate::config::site::FIXTURE_PROFILE_TOML.replace(
            "image_attr = \"src\"",
            "image_attr = \"src\"\n[listing.page_state]\nvariable = \"window.runParams\"\n\
             title = \"/data/productInfoComponent/subject\"\nseller = \"/data/sellerComponent/storeName\"\n\
             price = \"/data/priceComponent/formatedPrice\"\nimages = \"/data/imageComponent/imagePathList\"",
        );
        let site = SiteProfile::parse(&profile, "p.toml").unwrap();
        let html = r#"<script>var x = 1; window.runParams = {
              data: {productInfoComponent: {subject: "Vel0ra bag {new} 'x'"},
                     sellerComponent: {storeName: 'Shop, "B"'.length ? "Shop B" : ""},
                     priceComponent: {formatedPrice: "US $12.50"},
                     imageComponent: {imagePathList: ["//cdn.example/a.jpg", "/b.jpg"]}}};
            </script><script>window.runParams = {data: {productInfoComponent: {subject: "S"}}};</script>"#;
        // The first assignment is not valid JSON even with keys quoted (a
        // JavaScript expression): the second is used.
        let f = listing(html, &page(), &site).unwrap();
        assert_eq!(f.title, "S");
        let html = r#"<script>window.runParams = {data: {productInfoComponent: {subject: "Vel0ra bag {new}"},
              sellerComponent: {"storeName": "Shop B"}, priceComponent: {formatedPrice: "US $12.50"},
              imageComponent: {imagePathList: ["//cdn.example/a.jpg", "/b.jpg"]}}};</script>
              <h1 class="title">css title</h1>"#;
        let f = listing(html, &page(), &site).unwrap();
        assert_eq!(f.title, "Vel0ra bag {new}");
        assert_eq!(f.seller, "Shop B");
        assert_eq!(f.price.as_deref(), Some("US $12.50"));
        let imgs: Vec<_> = f.images.iter().map(Url::as_str).collect();
        assert_eq!(imgs, ["http://cdn.example/a.jpg", "http://127.0.0.1:1/b.jpg"]);
    }

    #[test]
    fn a_page_without_title_is_an_error() {
        let e = listing("<html><body><p>nothing</p></body></html>", &page(), &site()).unwrap_err();
        assert!(e.to_string().contains("/item/7.html"));
    }

    #[test]
    fn links_are_absolute_and_deduplicated() {
        let html = r#"<a class="listing-link" href="/item/1.html?spm=x">a</a>
            <a class="listing-link" href="/item/1.html?spm=x">a</a>
            <a class="listing-link" href="mailto:x@y">m</a>
            <a class="listing-link" href="/i/2?ref=b">b</a><a class="next" href="?page=2">next</a>"#;
        let base = Url::parse("http://127.0.0.1:1/search?q=v").unwrap();
        let l = links(html, &base, &site());
        assert_eq!(l.listings.len(), 2);
        assert_eq!(l.next.unwrap().as_str(), "http://127.0.0.1:1/search?page=2");
    }
}
