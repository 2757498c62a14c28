// Package model holds the provider-neutral building blocks of cloudward's
// resource model: values that know whether they are known and where they came
// from, and the reference every resource exposes to the check engine.
//
// model imports nothing else of cloudward: sources fill it, checks read it.
package model

import "fmt"

// Source says where a value came from: a snapshot file and a JSON path in it,
// an IaC file and a line range, or a live API operation.
type Source struct {
	// File is the snapshot-relative path (us-east-1/ec2/describe-volumes.json)
	// or the IaC file path (main.tf).
	File string `json:"file,omitempty"`
	// Path locates the value inside File, e.g. "Volumes[3].Encrypted".
	Path string `json:"path,omitempty"`
	// StartLine and EndLine are 1-based and set where the format has lines.
	StartLine int `json:"start_line,omitempty"`
	EndLine   int `json:"end_line,omitempty"`
}

// IsZero reports whether the source is empty.
func (s Source) IsZero() bool { return s == Source{} }

// At returns a copy of s pointing at a sub-path, e.g. s.At("Encrypted").
func (s Source) At(path string) Source {
	if s.Path != "" && path != "" {
		if path[0] == '[' {
			s.Path += path
		} else {
			s.Path += "." + path
		}
	} else if path != "" {
		s.Path = path
	}
	return s
}

// String renders the source as "file:path" or "file:12-18".
func (s Source) String() string {
	out := s.File
	switch {
	case s.StartLine > 0 && s.EndLine > s.StartLine:
		out += fmt.Sprintf(":%d-%d", s.StartLine, s.EndLine)
	case s.StartLine > 0:
		out += fmt.Sprintf(":%d", s.StartLine)
	}
	if s.Path != "" {
		if out != "" {
			out += " "
		}
		out += s.Path
	}
	return out
}

// Value is an attribute of a resource. It is either known, with a value and a
// source, or unknown, with the reason it is not known (not collected,
// permission denied, unresolved variable). The zero Value is unknown.
type Value[T any] struct {
	v      T
	known  bool
	src    Source
	reason string
}

// Known returns a known value.
func Known[T any](v T, src Source) Value[T] { return Value[T]{v: v, known: true, src: src} }

// Unknown returns an unknown value with the reason it is unknown.
func Unknown[T any](reason string, src Source) Value[T] {
	return Value[T]{reason: reason, src: src}
}

// Known reports whether the value is known.
func (v Value[T]) Known() bool { return v.known }

// Get returns the value and whether it is known.
func (v Value[T]) Get() (T, bool) { return v.v, v.known }

// Or returns the value when known and def otherwise.
func (v Value[T]) Or(def T) T {
	if v.known {
		return v.v
	}
	return def
}

// Source says where the value came from (or would have come from).
func (v Value[T]) Source() Source { return v.src }

// Reason explains why an unknown value is unknown; empty for known values.
func (v Value[T]) Reason() string {
	if v.known {
		return ""
	}
	if v.reason == "" {
		return "not collected"
	}
	return v.reason
}

// String renders the value for evidence: the value, or "unknown (reason)".
func (v Value[T]) String() string {
	if !v.known {
		return "unknown (" + v.Reason() + ")"
	}
	return fmt.Sprint(v.v)
}

// Bool is a known-or-unknown boolean with the three-valued questions checks ask.
type Bool = Value[bool]

// IsTrue reports whether b is known and true.
func IsTrue(b Bool) bool { return b.known && b.v }

// IsFalse reports whether b is known and false.
func IsFalse(b Bool) bool { return b.known && !b.v }

// String, Int and Time aliases keep resource structs short.
type (
	String = Value[string]
	Int    = Value[int64]
)
