// Package demo embeds a realistic demo AWS account snapshot: a small company
// (account 123456789012, us-east-1 and eu-west-1) with good and bad resources,
// so that `cloudward demo` shows every built-in check failing somewhere and
// passing elsewhere.
//
// The files under snapshot/ follow docs/snapshot-format.md exactly: each one
// is what `aws <service> <operation> --output json` prints. Some answers are
// AWS errors on purpose (NoSuchBucketPolicy, an AccessDenied on one bucket's
// policy) to show how errors and unknown values are reported.
package demo

import (
	"embed"
	"io/fs"
)

// all: keeps files the default embed rules would drop; the snapshot has
// none today, but a collector may write dot-files one day.
//
//go:embed all:snapshot
var files embed.FS

// FS returns the demo snapshot, with snapshot.json at its root.
func FS() fs.FS {
	sub, err := fs.Sub(files, "snapshot")
	if err != nil {
		// fs.Sub only fails on an invalid path; "snapshot" is valid.
		panic(err)
	}
	return sub
}
