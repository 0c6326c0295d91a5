#!/usr/bin/env bash
# Crawl rate: knockoff's crawler against Scrapy, both crawling the same
# copy of the fixture marketplace served by nginx on loopback, politeness
# off (no delay, no robots.txt, 64 requests in flight), listing pages parsed
# with the same selectors, no images. Prints pages/s for each.
#
#   benches/crawl/run.sh            # COUNT=20000 listings by default
#
# Installs nginx (Debian) and Scrapy (PyPI) if they are missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
COUNT=${COUNT:-20000}
WORK=${WORK:-/tmp/knockoff-crawl-bench}
PORT=${PORT:-18090}
RUNS=${RUNS:-3}

command -v nginx >/dev/null || apt-get install -y nginx-light
python3 -c 'import scrapy' 2>/dev/null || pip install scrapy
cargo build --release --quiet
BIN=target/release/knockoff

rm -rf "$WORK" && mkdir -p "$WORK"
"$BIN" fixtures generate --count "$COUNT" --out "$WORK/catalogue" 2>/dev/null
"$BIN" serve-fixtures --catalogue "$WORK/catalogue" --addr "127.0.0.1:$((PORT + 1))" 2>/dev/null &
SOURCE=$!
trap 'kill $SOURCE 2>/dev/null || true; [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true' EXIT
sleep 1
python3 benches/crawl/mirror.py "http://127.0.0.1:$((PORT + 1))" "127.0.0.1:$PORT" "$WORK/site"
kill $SOURCE

cat >"$WORK/nginx.conf" <<CONF
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/error.log;
events { worker_connections 4096; }
http {
    access_log off;
    default_type text/html;
    sendfile on;
    keepalive_requests 1000000;
    map \$arg_page \$browse_page { "" 1; default \$arg_page; }
    server {
        listen 127.0.0.1:$PORT;
        root $WORK/site;
        location = /browse { try_files /browse/\$browse_page.html =404; }
        location /i/ { rewrite ^/i/(\d+)\$ /item/\$1.html last; }
    }
}
CONF
nginx -c "$WORK/nginx.conf" -p "$WORK"
sleep 0.5

sed -e 's/^concurrency = .*/concurrency = 64/' \
    -e 's/^max_images_per_listing = .*/max_images_per_listing = 0/' \
    -e 's/^obey_robots = .*/obey_robots = false/' \
    -e 's/^\[crawl\]$/[crawl]\nmax_depth = 100000\nmax_pages = 1000000/' \
    config/sites/fixture.toml >"$WORK/profile.toml"

START="http://127.0.0.1:$PORT/browse"
for _ in $(seq "$RUNS"); do
    "$BIN" crawl --quiet --site "$WORK/profile.toml" --start "$START" 2>&1 | sed 's/^/knockoff: /'
done
for _ in $(seq "$RUNS"); do
    (cd "$WORK" && scrapy runspider "$OLDPWD/benches/crawl/spider.py" -a start="$START") 2>&1 | grep '^scrapy:'
done
