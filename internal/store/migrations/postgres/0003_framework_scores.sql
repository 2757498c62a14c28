-- Compliance scores per framework with each scan (cloudward history).
CREATE TABLE scan_frameworks (
	scan_seq          BIGINT NOT NULL, -- scans.seq
	framework         TEXT NOT NULL,   -- framework ID, e.g. cis-aws-5.0
	name              TEXT NOT NULL,
	version           TEXT NOT NULL,
	score             DOUBLE PRECISION NOT NULL, -- 100 x passed / assessed controls
	posture           DOUBLE PRECISION NOT NULL, -- posture score over the mapped checks
	controls_total    BIGINT NOT NULL,
	controls_pass     BIGINT NOT NULL,
	controls_fail     BIGINT NOT NULL,
	controls_unknown  BIGINT NOT NULL,
	PRIMARY KEY (scan_seq, framework)
);
