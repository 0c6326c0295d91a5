-- Incremental and resumable sweeps.

-- How to ask whether a listing changed since it was recorded, and the run
-- that last recorded it (a resumed run skips what it had recorded).
ALTER TABLE listings ADD COLUMN etag TEXT;
ALTER TABLE listings ADD COLUMN last_modified TEXT;
ALTER TABLE listings ADD COLUMN run_id INTEGER;

-- What a run's results were computed against: a listing's earlier result
-- stands only while the registry is the same.
ALTER TABLE runs ADD COLUMN registry_digest TEXT;

-- Search and browse pages as last fetched: how to ask whether they changed,
-- and the links they held.
CREATE TABLE pages (
    url           TEXT PRIMARY KEY,
    etag          TEXT,
    last_modified TEXT,
    links         TEXT NOT NULL,
    fetched_at    TEXT NOT NULL
);
