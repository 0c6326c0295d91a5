"""Scrapy's side of the crawl-rate comparison: the same browse-then-listing
crawl knockoff does, with the same CSS selectors, politeness off.

scrapy runspider spider.py -a start=http://127.0.0.1:PORT/browse
"""
from datetime import datetime, timezone

import scrapy


class FixtureSpider(scrapy.Spider):
    name = "fixture"
    custom_settings = {
        "ROBOTSTXT_OBEY": False,
        "CONCURRENT_REQUESTS": 64,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 64,
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "WARNING",
    }

    def __init__(self, start, **kwargs):
        super().__init__(**kwargs)
        self.start_urls = [start]

    def parse(self, response):
        for href in response.css("a.listing-link::attr(href)").getall():
            yield response.follow(href, self.parse_listing)
        following = response.css("a.next::attr(href)").get()
        if following:
            yield response.follow(following, self.parse)

    def parse_listing(self, response):
        yield {
            "url": response.url,
            "title": response.css("h1.title::text").get(),
            "description": response.css("div.description ::text").getall(),
            "price": response.css("span.price::text").get(),
            "seller": response.css("a.seller::text").get(),
            "category": response.css("span.category::text").get(),
            "images": response.css("div.gallery img::attr(src)").getall(),
        }

    def closed(self, reason):
        stats = self.crawler.stats.get_stats()
        pages = stats.get("response_received_count", 0)
        seconds = (datetime.now(timezone.utc) - stats["start_time"]).total_seconds()
        print(f"scrapy: {pages} pages, {stats.get('item_scraped_count', 0)} listings "
              f"in {seconds:.2f}s ({pages / seconds:.0f} pages/s)")
