-- The ledger: what every sweep saw, found and drafted.
-- Plain SQL that SQLite and PostgreSQL both accept.

CREATE TABLE runs (
    id          INTEGER PRIMARY KEY,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    summary     TEXT
);

-- Every listing ever crawled, by canonical URL.
CREATE TABLE listings (
    canonical   TEXT PRIMARY KEY,
    item_id     TEXT NOT NULL,
    platform    TEXT NOT NULL,
    title       TEXT NOT NULL,
    seller      TEXT NOT NULL,
    first_seen  TEXT NOT NULL,
    last_seen   TEXT NOT NULL
);

-- The latest verdict on each listing that produced a candidate.
CREATE TABLE candidates (
    canonical   TEXT PRIMARY KEY REFERENCES listings (canonical),
    right_id    TEXT NOT NULL,
    score       REAL NOT NULL,
    disposition TEXT NOT NULL,
    body        TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE drafts (
    id             TEXT PRIMARY KEY,
    platform       TEXT NOT NULL,
    right_id       TEXT NOT NULL,
    complaint_type TEXT NOT NULL,
    holder_id      TEXT NOT NULL,
    seq            INTEGER NOT NULL,
    status         TEXT NOT NULL DEFAULT 'open',
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    UNIQUE (platform, right_id, complaint_type, holder_id, seq)
);

-- A URL is placed in one draft only: the unique index is the last guard
-- behind the batcher's own check.
CREATE TABLE draft_items (
    draft_id  TEXT NOT NULL REFERENCES drafts (id),
    canonical TEXT NOT NULL,
    position  INTEGER NOT NULL,
    candidate TEXT NOT NULL,
    added_at  TEXT NOT NULL,
    PRIMARY KEY (draft_id, position)
);
CREATE UNIQUE INDEX draft_items_canonical ON draft_items (canonical);
