//! Extraction: from a fetched page's HTML to links or listing fields.
//!
//! The crawler hands every page here. A search or browse page yields
//! listing links and the next page; a listing page yields its fields.
//! Fields come from schema.org `Product` JSON-LD when the profile allows it
//! (structured data survives layout changes far better than selectors), then
//! from the profile's CSS selectors for whatever the JSON-LD lacked.
//!
//! A listing page without a title is an error, never a silent empty listing:
//! it usually means the layout changed and the profile needs updating.

use scraper::{ElementRef, Html, Selector};
use serde_json::Value;
use url::Url;

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
    let string = |v: Option<&Value>| match v {
        Some(Value::String(s)) => collapse(s),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Object(o)) => o.get("name").and_then(Value::as_str).map(collapse).unwrap_or_default(),
        _ => String::new(),
    };
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
