-- Faster large scans (issue 7, item 9):
-- * Key and sort columns compare bytewise (COLLATE "C"), as in SQLite: index
--   maintenance and sorts skip the locale's collation, and pages list
--   resources in the same order in both databases.
-- * finding_states keeps free space in each page, so that a finding still
--   failing in the next scan is updated in place (HOT update: no index
--   entries written).
ALTER TABLE findings
	ALTER COLUMN fingerprint TYPE TEXT COLLATE "C",
	ALTER COLUMN check_id TYPE TEXT COLLATE "C",
	ALTER COLUMN status TYPE TEXT COLLATE "C",
	ALTER COLUMN resource_id TYPE TEXT COLLATE "C",
	ALTER COLUMN region TYPE TEXT COLLATE "C",
	ALTER COLUMN account TYPE TEXT COLLATE "C";
ALTER TABLE finding_states
	ALTER COLUMN target TYPE TEXT COLLATE "C",
	ALTER COLUMN fingerprint TYPE TEXT COLLATE "C",
	ALTER COLUMN check_id TYPE TEXT COLLATE "C",
	ALTER COLUMN resource_id TYPE TEXT COLLATE "C",
	ALTER COLUMN region TYPE TEXT COLLATE "C",
	ALTER COLUMN account TYPE TEXT COLLATE "C",
	ALTER COLUMN state TYPE TEXT COLLATE "C",
	ALTER COLUMN last_status TYPE TEXT COLLATE "C";
ALTER TABLE finding_states SET (fillfactor = 70);
ALTER TABLE scan_frameworks ALTER COLUMN framework TYPE TEXT COLLATE "C";
