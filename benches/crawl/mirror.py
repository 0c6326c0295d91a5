"""Copies the fixture marketplace's pages (browse pages and listing pages,
no images) from a running `knockoff serve-fixtures` into static files that
nginx serves, written as if served from HOST so absolute links point there.

usage: mirror.py SOURCE_URL HOST OUT_DIR
"""
import os
import re
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor

source, host, out = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]


def get(path):
    req = urllib.request.Request(source + path, headers={"Host": host})
    with urllib.request.urlopen(req) as resp:
        return resp.read()


def save(rel, body):
    path = os.path.join(out, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(body)


items = set()
page = 1
while True:
    body = get(f"/browse?page={page}")
    save(f"browse/{page}.html", body)
    html = body.decode("utf-8", "replace")
    items.update(re.findall(r"/(?:item/(\d+)\.html|i/(\d+))", html))
    if f"page={page + 1}" not in html:
        break
    page += 1
ids = sorted({a or b for a, b in items})


def fetch(i):
    save(f"item/{i}.html", get(f"/item/{i}.html"))


with ThreadPoolExecutor(8) as pool:
    list(pool.map(fetch, ids))
save("robots.txt", b"User-agent: *\nAllow: /\n")
print(f"mirrored {page} browse pages and {len(ids)} listing pages into {out}")
