-- PostgreSQL's 0004 makes key columns compare bytewise, as SQLite's
-- default BINARY collation already does: nothing to change here. The file
-- keeps both databases' schema versions in step.
SELECT 1;
