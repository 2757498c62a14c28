package snapshot

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// rootUser is the credential report's name for the root user's row.
const rootUser = "<root_account>"

// credReport is a parsed IAM credential report. Columns are found by header
// name so that AWS adding or reordering columns does not shift values.
type credReport struct {
	file string
	col  map[string]int
	rows map[string]credRow // by user name
}

type credRow struct {
	line   int
	fields []string
}

// parseCredentialReport parses the decoded credential report CSV.
func parseCredentialReport(file string, data []byte) (*credReport, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = 0 // every row as long as the header
	r.ReuseRecord = false
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: empty credential report", file)
	}
	if err != nil {
		return nil, csvError(file, err)
	}
	rep := &credReport{file: file, col: make(map[string]int, len(header)), rows: map[string]credRow{}}
	for i, h := range header {
		rep.col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	for _, req := range []string{"user", "arn"} {
		if _, ok := rep.col[req]; !ok {
			return nil, fmt.Errorf("%s:1: credential report header has no %q column (is this a credential report?)", file, req)
		}
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvError(file, err)
		}
		line, _ := r.FieldPos(0)
		user := rec[rep.col["user"]]
		if user == "" {
			return nil, fmt.Errorf("%s:%d: row has an empty user", file, line)
		}
		if prev, dup := rep.rows[user]; dup {
			return nil, fmt.Errorf("%s:%d: user %q already listed on line %d", file, line, user, prev.line)
		}
		rep.rows[user] = credRow{line: line, fields: rec}
	}
	return rep, nil
}

func csvError(file string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &decodeError{file: file, line: pe.Line, col: pe.Column, msg: "malformed CSV: " + pe.Err.Error()}
	}
	return fmt.Errorf("%s: %v", file, err)
}

// cell returns a row's value for a column and its source.
func (rep *credReport) cell(row credRow, column string) (string, model.Source, bool) {
	src := model.Source{File: rep.file, Path: column, StartLine: row.line}
	i, ok := rep.col[column]
	if !ok {
		return "", src, false
	}
	return row.fields[i], src, true
}

// flag reads a true/false column.
func (rep *credReport) flag(row credRow, column string) awsm.Bool {
	v, src, ok := rep.cell(row, column)
	if !ok {
		return unknown[bool]("column "+column+" absent from the credential report", src)
	}
	switch v {
	case "true", "TRUE", "True":
		return model.Known(true, src)
	case "false", "FALSE", "False":
		return model.Known(false, src)
	}
	return unknown[bool](fmt.Sprintf("credential report says %q", v), src)
}

// date reads a timestamp column; N/A, no_information and not_supported are
// unknown with that reason.
func (rep *credReport) date(row credRow, column string) awsm.Time {
	v, src, ok := rep.cell(row, column)
	if !ok {
		return unknown[time.Time]("column "+column+" absent from the credential report", src)
	}
	if t, ok := parseTime(v); ok {
		return model.Known(t, src)
	}
	switch v {
	case "N/A":
		return unknown[time.Time]("N/A in the credential report (never used or no such credential)", src)
	case "no_information":
		return unknown[time.Time]("no_information in the credential report (not used since October 2014)", src)
	}
	return unknown[time.Time](fmt.Sprintf("credential report says %q", v), src)
}

// neverUsed is known true for N/A, known false for a date, unknown for
// no_information (used before tracking began) and anything else.
func (rep *credReport) neverUsed(row credRow, column string) awsm.Bool {
	v, src, ok := rep.cell(row, column)
	if !ok {
		return unknown[bool]("column "+column+" absent from the credential report", src)
	}
	if _, ok := parseTime(v); ok {
		return model.Known(false, src)
	}
	if v == "N/A" {
		return model.Known(true, src)
	}
	return unknown[bool](fmt.Sprintf("credential report says %q", v), src)
}

// text reads a free-text column; N/A is known "".
func (rep *credReport) text(row credRow, column string) awsm.String {
	v, src, ok := rep.cell(row, column)
	if !ok {
		return unknown[string]("column "+column+" absent from the credential report", src)
	}
	if v == "N/A" {
		v = ""
	}
	return model.Known(v, src)
}

// credentials builds the credential data of one user.
func (rep *credReport) credentials(row credRow) awsm.Credentials {
	_, src, _ := rep.cell(row, "user")
	c := awsm.Credentials{
		InReport:           model.Known(true, src),
		PasswordEnabled:    rep.flag(row, "password_enabled"),
		PasswordLastUsed:   rep.date(row, "password_last_used"),
		PasswordNeverUsed:  rep.neverUsed(row, "password_last_used"),
		PasswordLastChange: rep.date(row, "password_last_changed"),
		MFAActive:          rep.flag(row, "mfa_active"),
	}
	for slot := 1; slot <= 2; slot++ {
		p := fmt.Sprintf("access_key_%d_", slot)
		c.AccessKeys = append(c.AccessKeys, awsm.AccessKey{
			Slot:         slot,
			Active:       rep.flag(row, p+"active"),
			LastRotated:  rep.date(row, p+"last_rotated"),
			LastUsed:     rep.date(row, p+"last_used_date"),
			NeverUsed:    rep.neverUsed(row, p+"last_used_date"),
			LastUsedSvc:  rep.text(row, p+"last_used_service"),
			LastUsedRegn: rep.text(row, p+"last_used_region"),
		})
	}
	return c
}

// unknownCredentials is every credential value unknown for one reason: the
// report was not collected, or the user is not in it.
func unknownCredentials(inReport awsm.Bool, reason string, src model.Source) awsm.Credentials {
	c := awsm.Credentials{
		InReport:           inReport,
		PasswordEnabled:    unknown[bool](reason, src),
		PasswordLastUsed:   unknown[time.Time](reason, src),
		PasswordNeverUsed:  unknown[bool](reason, src),
		PasswordLastChange: unknown[time.Time](reason, src),
		MFAActive:          unknown[bool](reason, src),
	}
	for slot := 1; slot <= 2; slot++ {
		c.AccessKeys = append(c.AccessKeys, awsm.AccessKey{
			Slot: slot, Active: unknown[bool](reason, src), LastRotated: unknown[time.Time](reason, src),
			LastUsed: unknown[time.Time](reason, src), NeverUsed: unknown[bool](reason, src),
			LastUsedSvc: unknown[string](reason, src), LastUsedRegn: unknown[string](reason, src),
		})
	}
	return c
}
