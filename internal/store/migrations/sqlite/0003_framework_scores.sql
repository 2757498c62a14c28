-- Compliance scores per framework with each scan (cloudward history).
CREATE TABLE scan_frameworks (
	scan_seq          INTEGER NOT NULL, -- scans.seq
	framework         TEXT NOT NULL,   -- framework ID, e.g. cis-aws-5.0
	name              TEXT NOT NULL,
	version           TEXT NOT NULL,
	score             REAL NOT NULL, -- 100 x passed / assessed controls
	posture           REAL NOT NULL, -- posture score over the mapped checks
	controls_total    INTEGER NOT NULL,
	controls_pass     INTEGER NOT NULL,
	controls_fail     INTEGER NOT NULL,
	controls_unknown  INTEGER NOT NULL,
	PRIMARY KEY (scan_seq, framework)
);
