-- Scans, their findings, and the state of each finding over time.
-- Times are UTC RFC 3339 text of fixed width, so text order is time order.
CREATE TABLE scans (
	seq            INTEGER PRIMARY KEY AUTOINCREMENT,
	id             TEXT NOT NULL UNIQUE,
	target         TEXT NOT NULL,
	source         TEXT NOT NULL,
	started_at     TEXT NOT NULL,
	finished_at    TEXT NOT NULL,
	tool_version   TEXT NOT NULL,
	account_ids    TEXT NOT NULL, -- JSON array
	scoped         INTEGER NOT NULL, -- 1: only some checks ran
	coverage       TEXT NOT NULL, -- JSON object (report coverage)
	warnings       TEXT NOT NULL, -- JSON array
	score          TEXT NOT NULL, -- JSON: check.Scores
	findings_total INTEGER NOT NULL,
	pass_count     INTEGER NOT NULL,
	fail_count     INTEGER NOT NULL,
	unknown_count  INTEGER NOT NULL
);
CREATE INDEX scans_target ON scans (target, seq);

CREATE TABLE findings (
	scan_seq      INTEGER NOT NULL, -- scans.seq (no foreign key: it would cost a lookup per finding)
	fingerprint   TEXT NOT NULL,
	check_id      TEXT NOT NULL,
	severity      INTEGER NOT NULL, -- 0 info .. 4 critical
	status        TEXT NOT NULL,    -- PASS, FAIL, UNKNOWN
	resource_id   TEXT NOT NULL,
	resource_type TEXT NOT NULL,
	region        TEXT NOT NULL,
	account       TEXT NOT NULL,
	message       TEXT NOT NULL,
	evidence      TEXT NOT NULL, -- JSON array
	muted         INTEGER NOT NULL,
	mute_reason   TEXT NOT NULL,
	PRIMARY KEY (scan_seq, fingerprint)
);

CREATE TABLE finding_states (
	target         TEXT NOT NULL,
	fingerprint    TEXT NOT NULL,
	check_id       TEXT NOT NULL,
	severity       INTEGER NOT NULL,
	resource_id    TEXT NOT NULL,
	resource_type  TEXT NOT NULL,
	region         TEXT NOT NULL,
	account        TEXT NOT NULL,
	message        TEXT NOT NULL,
	state          TEXT NOT NULL, -- open, resolved, reopened, muted
	last_status    TEXT NOT NULL, -- in the last scan of the target: PASS, FAIL, UNKNOWN or ABSENT
	first_seen     TEXT NOT NULL, -- first failing scan
	last_seen      TEXT NOT NULL, -- last failing scan
	first_scan_seq INTEGER NOT NULL,
	last_scan_seq  INTEGER NOT NULL, -- last failing scan
	PRIMARY KEY (target, fingerprint)
);
