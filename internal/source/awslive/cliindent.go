package awslive

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// indentCLI prints a CLI tree (ordered, []any, map[string]any, strings,
// numbers, bools, json.RawMessage, []byte, nil) exactly as a json.Encoder
// with SetEscapeHTML(false) and SetIndent("", "    ") does, newline
// included, in one pass. The encoder re-parses every MarshalJSON result of
// a nested ordered object and indents the whole text again afterwards;
// for a collection's thousand answers that was a tenth of the collector's
// CPU. Values of other types are encoded by encoding/json.
func indentCLI(v any) ([]byte, error) {
	b, err := appendCLI(make([]byte, 0, 512), v, 0)
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

const cliIndent = "    "

func newline(b []byte, depth int) []byte {
	b = append(b, '\n')
	for range depth {
		b = append(b, cliIndent...)
	}
	return b
}

func appendCLI(b []byte, v any, depth int) ([]byte, error) {
	var err error
	switch t := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case ordered:
		if len(t) == 0 {
			return append(b, "{}"...), nil
		}
		b = append(b, '{')
		for i, e := range t {
			if i > 0 {
				b = append(b, ',')
			}
			b = newline(b, depth+1)
			b = appendOrderedKey(b, e.k)
			b = append(b, ':', ' ')
			if b, err = appendCLI(b, e.v, depth+1); err != nil {
				return nil, err
			}
		}
		return append(newline(b, depth), '}'), nil
	case *ordered:
		if t == nil {
			return append(b, "null"...), nil
		}
		return appendCLI(b, *t, depth)
	case []any:
		if t == nil {
			return append(b, "null"...), nil
		}
		if len(t) == 0 {
			return append(b, "[]"...), nil
		}
		b = append(b, '[')
		for i, e := range t {
			if i > 0 {
				b = append(b, ',')
			}
			b = newline(b, depth+1)
			if b, err = appendCLI(b, e, depth+1); err != nil {
				return nil, err
			}
		}
		return append(newline(b, depth), ']'), nil
	case *[]any:
		if t == nil {
			return append(b, "null"...), nil
		}
		return appendCLI(b, *t, depth)
	case map[string]any:
		if t == nil {
			return append(b, "null"...), nil
		}
		if len(t) == 0 {
			return append(b, "{}"...), nil
		}
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		slices.Sort(keys) // encoding/json sorts map keys
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = newline(b, depth+1)
			b = appendJSONString(b, k)
			b = append(b, ':', ' ')
			if b, err = appendCLI(b, t[k], depth+1); err != nil {
				return nil, err
			}
		}
		return append(newline(b, depth), '}'), nil
	case string:
		return appendJSONString(b, t), nil
	case bool:
		return strconv.AppendBool(b, t), nil
	case int64:
		return strconv.AppendInt(b, t, 10), nil
	case uint64:
		return strconv.AppendUint(b, t, 10), nil
	case float64:
		return appendFloat(b, t)
	case []byte:
		if t == nil {
			return append(b, "null"...), nil
		}
		b = append(b, '"')
		b = base64.StdEncoding.AppendEncode(b, t)
		return append(b, '"'), nil
	}
	// json.Number, json.RawMessage and anything else: encoding/json's
	// compact text, indented at this depth.
	raw, err := marshalNoHTML(v)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	prefix := make([]byte, 0, depth*len(cliIndent))
	for range depth {
		prefix = append(prefix, cliIndent...)
	}
	if err := json.Indent(&buf, raw, string(prefix), cliIndent); err != nil {
		return nil, err
	}
	return append(b, buf.Bytes()...), nil
}

func marshalNoHTML(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// appendJSONString quotes s; strings of plain printable ASCII (nearly all)
// directly, others through encoding/json so that escapes stay identical.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x80 {
			q, _ := marshalNoHTML(s) // a string always encodes
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// appendOrderedKey quotes a member name as ordered.MarshalJSON did
// (json.Marshal: <, > and & escaped; member names never hold them).
func appendOrderedKey(b []byte, k string) []byte {
	if strings.ContainsAny(k, "<>&") {
		q, _ := json.Marshal(k)
		return append(b, q...)
	}
	return appendJSONString(b, k)
}

// appendFloat formats f as encoding/json does (ES6 number form).
func appendFloat(b []byte, f float64) ([]byte, error) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return nil, fmt.Errorf("json: unsupported value: %s", strconv.FormatFloat(f, 'g', -1, 64))
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// e-09 -> e-9, as encoding/json prints it
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, nil
}
