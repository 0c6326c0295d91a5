-- The life of each complaint: drafts are sent, filed under a platform
-- reference and closed; each URL in them moves through the platform's
-- outcomes, and every move is kept.

-- A draft is `open` (taking URLs), `submitted` (frozen and handed to a
-- filing system), `filed` (the platform's reference is known) or `closed`
-- (every URL in it has reached its end).
ALTER TABLE drafts ADD COLUMN platform_ref TEXT;
ALTER TABLE drafts ADD COLUMN submitted_at TEXT;
ALTER TABLE drafts ADD COLUMN sent_to TEXT;
ALTER TABLE drafts ADD COLUMN sent_at TEXT;
ALTER TABLE drafts ADD COLUMN filed_at TEXT;
CREATE UNIQUE INDEX drafts_platform_ref ON drafts (platform, platform_ref);

-- Where each URL stands. `review`: found, held for a person (with why);
-- `drafted`, `filed`, `active`, `removed`, `rejected`, `appealed`,
-- `reinstated`, `closed`: the life of the complaint that holds it.
CREATE TABLE url_states (
    canonical  TEXT PRIMARY KEY,
    state      TEXT NOT NULL,
    draft_id   TEXT REFERENCES drafts (id),
    appeals    INTEGER NOT NULL DEFAULT 0,
    -- Set once the URL has been reinstated: it never goes straight into a
    -- draft again.
    reinstated INTEGER NOT NULL DEFAULT 0,
    seller     TEXT NOT NULL,
    right_id   TEXT NOT NULL,
    reason     TEXT,
    updated_at TEXT NOT NULL
);
CREATE INDEX url_states_state ON url_states (state);

-- Every change of state, in order. `source` names what caused it (a sweep,
-- a command, a row of an outcomes file); a row of an outcomes file is
-- applied once however often the file is fed.
CREATE TABLE events (
    id         INTEGER PRIMARY KEY,
    canonical  TEXT NOT NULL,
    draft_id   TEXT,
    from_state TEXT,
    to_state   TEXT NOT NULL,
    at         TEXT NOT NULL,
    source     TEXT NOT NULL,
    note       TEXT
);
CREATE INDEX events_canonical ON events (canonical);
CREATE TABLE applied_rows (
    source TEXT PRIMARY KEY,
    at     TEXT NOT NULL
);

-- URLs drafted before this migration.
INSERT INTO url_states (canonical, state, draft_id, seller, right_id, updated_at)
SELECT i.canonical, 'drafted', i.draft_id, COALESCE(l.seller, ''), d.right_id, i.added_at
FROM draft_items i JOIN drafts d ON d.id = i.draft_id LEFT JOIN listings l ON l.canonical = i.canonical;
