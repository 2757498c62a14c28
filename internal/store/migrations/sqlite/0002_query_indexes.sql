-- Indexes for `cloudward findings` pages and state maintenance.
CREATE INDEX findings_page ON findings (scan_seq, severity, check_id, resource_id);
CREATE INDEX findings_check ON findings (scan_seq, check_id);
CREATE INDEX states_state ON finding_states (target, state);
CREATE INDEX states_page ON finding_states (severity, check_id, resource_id, target);
CREATE INDEX states_check ON finding_states (check_id);
CREATE INDEX states_account ON finding_states (account);
