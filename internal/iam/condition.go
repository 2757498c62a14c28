package iam

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"

	awsmodel "github.com/cloudward/cloudward/internal/model/aws"
)

type opKind int

const (
	opStringEquals opKind = iota
	opStringEqualsIgnoreCase
	opStringLike
	opNumericEquals
	opNumericLessThan
	opNumericLessThanEquals
	opNumericGreaterThan
	opNumericGreaterThanEquals
	opDateEquals
	opDateLessThan
	opDateLessThanEquals
	opDateGreaterThan
	opDateGreaterThanEquals
	opBool
	opBinaryEquals
	opIPAddress
	opArnLike
	opNull
)

// baseOps maps operator names (without ForAllValues:/ForAnyValue: and
// IfExists) to their kind and whether they are the negated form.
var baseOps = map[string]struct {
	kind opKind
	neg  bool
}{
	"stringequals":              {opStringEquals, false},
	"stringnotequals":           {opStringEquals, true},
	"stringequalsignorecase":    {opStringEqualsIgnoreCase, false},
	"stringnotequalsignorecase": {opStringEqualsIgnoreCase, true},
	"stringlike":                {opStringLike, false},
	"stringnotlike":             {opStringLike, true},
	"numericequals":             {opNumericEquals, false},
	"numericnotequals":          {opNumericEquals, true},
	"numericlessthan":           {opNumericLessThan, false},
	"numericlessthanequals":     {opNumericLessThanEquals, false},
	"numericgreaterthan":        {opNumericGreaterThan, false},
	"numericgreaterthanequals":  {opNumericGreaterThanEquals, false},
	"dateequals":                {opDateEquals, false},
	"datenotequals":             {opDateEquals, true},
	"datelessthan":              {opDateLessThan, false},
	"datelessthanequals":        {opDateLessThanEquals, false},
	"dategreaterthan":           {opDateGreaterThan, false},
	"dategreaterthanequals":     {opDateGreaterThanEquals, false},
	"bool":                      {opBool, false},
	"binaryequals":              {opBinaryEquals, false},
	"ipaddress":                 {opIPAddress, false},
	"notipaddress":              {opIPAddress, true},
	"arnequals":                 {opArnLike, false},
	"arnlike":                   {opArnLike, false},
	"arnnotequals":              {opArnLike, true},
	"arnnotlike":                {opArnLike, true},
	"null":                      {opNull, false},
}

type setQual int

const (
	setNone setQual = iota
	setForAll
	setForAny
)

// condition is one compiled (operator, key, values) triple.
type condition struct {
	src      awsmodel.Condition
	kind     opKind
	neg      bool
	ifExists bool
	set      setQual
	key      string // lower-cased
	values   []condValue
	dynamic  bool // some value holds a policy variable
}

// condValue is one policy value, pre-parsed for its operator.
type condValue struct {
	s    string
	num  float64
	t    time.Time
	pfx  netip.Prefix
	arn  arnPattern
	bin  []byte
	bval bool
}

// compileCondition compiles one condition; vars enables policy variables in
// its values (documents of version 2012-10-17).
func compileCondition(c awsmodel.Condition, vars bool) (condition, error) {
	cc := condition{src: c, key: strings.ToLower(c.Key)}
	op := strings.ToLower(c.Operator)
	switch {
	case strings.HasPrefix(op, "forallvalues:"):
		cc.set, op = setForAll, op[len("forallvalues:"):]
	case strings.HasPrefix(op, "foranyvalue:"):
		cc.set, op = setForAny, op[len("foranyvalue:"):]
	}
	if strings.HasSuffix(op, "ifexists") && op != "null" {
		cc.ifExists, op = true, strings.TrimSuffix(op, "ifexists")
	}
	b, ok := baseOps[op]
	if !ok {
		return cc, fmt.Errorf("unknown condition operator %q", c.Operator)
	}
	if b.kind == opNull && (cc.ifExists || cc.set != setNone) {
		return cc, fmt.Errorf("condition operator %q: Null takes no qualifiers", c.Operator)
	}
	cc.kind, cc.neg = b.kind, b.neg
	if c.Key == "" {
		return cc, fmt.Errorf("condition operator %q: empty key", c.Operator)
	}
	for _, v := range c.Values {
		if vars && strings.Contains(v, "${") && (cc.kind == opStringEquals || cc.kind == opStringEqualsIgnoreCase || cc.kind == opStringLike || cc.kind == opArnLike) {
			cc.dynamic = true
			cc.values = append(cc.values, condValue{s: v})
			continue
		}
		cv, err := parseValue(cc.kind, v)
		if err != nil {
			return cc, fmt.Errorf("%s: %s: %v", c.Operator, c.Key, err)
		}
		cc.values = append(cc.values, cv)
	}
	return cc, nil
}

func parseValue(kind opKind, v string) (condValue, error) {
	cv := condValue{s: v}
	var err error
	switch kind {
	case opNumericEquals, opNumericLessThan, opNumericLessThanEquals, opNumericGreaterThan, opNumericGreaterThanEquals:
		cv.num, err = parseNumber(v)
	case opDateEquals, opDateLessThan, opDateLessThanEquals, opDateGreaterThan, opDateGreaterThanEquals:
		cv.t, err = parseDate(v)
	case opBool, opNull:
		cv.bval, err = parseBool(v)
	case opIPAddress:
		cv.pfx, err = parseCIDR(v)
	case opBinaryEquals:
		cv.bin, err = base64.StdEncoding.DecodeString(v)
		if err != nil {
			err = fmt.Errorf("value %q is not base64", v)
		}
	case opArnLike:
		cv.arn = compileARNCondition(v)
	}
	return cv, err
}

func parseNumber(v string) (float64, error) {
	n, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || math.IsNaN(n) {
		return 0, fmt.Errorf("value %q is not a number", v)
	}
	return n, nil
}

var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	"2006-01-02",
}

// parseDate accepts the ISO 8601 forms AWS documents and epoch seconds.
func parseDate(v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.Unix(n, 0).UTC(), nil
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("value %q is not an ISO 8601 date or epoch seconds", v)
}

func parseBool(v string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, fmt.Errorf("value %q is not true or false", v)
}

// parseCIDR accepts a CIDR block or a single address, IPv4 or IPv6.
func parseCIDR(v string) (netip.Prefix, error) {
	v = strings.TrimSpace(v)
	if strings.Contains(v, "/") {
		p, err := netip.ParsePrefix(v)
		if err != nil {
			return p, fmt.Errorf("value %q is not a CIDR block", v)
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(v)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("value %q is not an IP address", v)
	}
	return netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()), nil
}

// eval evaluates the condition against the request context.
func (c *condition) eval(ctx *Context) bool {
	vals, present := ctx.lookup(c.key)
	if c.kind == opNull {
		// Null: true means "the key is absent" (an empty value counts as absent).
		absent := !present || len(vals) == 0
		for _, v := range c.values {
			if v.bval == absent {
				return true
			}
		}
		return false
	}
	if !present || len(vals) == 0 {
		switch {
		case c.ifExists:
			return true
		case c.set == setForAll:
			// Vacuously true: no value in the request fails the test.
			return true
		case c.set == setForAny:
			return false
		default:
			// Negated operators match a missing key; positive ones do not.
			return c.neg
		}
	}
	values := c.values
	if c.dynamic {
		values = c.resolve(ctx)
	}
	switch c.set {
	case setForAll:
		for _, v := range vals {
			if c.matchOne(v, values) == c.neg {
				return false
			}
		}
		return true
	case setForAny:
		for _, v := range vals {
			if c.matchOne(v, values) != c.neg {
				return true
			}
		}
		return false
	default:
		// A single-valued operator on a multi-valued key: positive operators
		// need one matching value, negated ones need none to match.
		any := false
		for _, v := range vals {
			if c.matchOne(v, values) {
				any = true
				break
			}
		}
		return any != c.neg
	}
}

// resolve substitutes policy variables in dynamic values; a variable without
// a value drops that policy value (it cannot match).
func (c *condition) resolve(ctx *Context) []condValue {
	out := make([]condValue, 0, len(c.values))
	for _, v := range c.values {
		if !strings.Contains(v.s, "${") {
			out = append(out, v)
			continue
		}
		s, ok := substitute(v.s, ctx)
		if !ok {
			continue
		}
		if c.kind == opStringLike || c.kind == opArnLike {
			nv := condValue{s: s}
			if c.kind == opArnLike {
				nv.arn = compileARNCondition(s)
			}
			out = append(out, nv)
		} else {
			out = append(out, condValue{s: unescape(s)})
		}
	}
	return out
}

// matchOne reports whether one context value matches any policy value under
// the positive form of the operator.
func (c *condition) matchOne(v string, values []condValue) bool {
	switch c.kind {
	case opStringEquals:
		for i := range values {
			if values[i].s == v {
				return true
			}
		}
	case opStringEqualsIgnoreCase:
		for i := range values {
			if strings.EqualFold(values[i].s, v) {
				return true
			}
		}
	case opStringLike:
		for i := range values {
			if glob(values[i].s, v, false) {
				return true
			}
		}
	case opNumericEquals, opNumericLessThan, opNumericLessThanEquals, opNumericGreaterThan, opNumericGreaterThanEquals:
		n, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil {
			return false
		}
		for i := range values {
			if cmpMatch(c.kind-opNumericEquals, compareFloat(n, values[i].num)) {
				return true
			}
		}
	case opDateEquals, opDateLessThan, opDateLessThanEquals, opDateGreaterThan, opDateGreaterThanEquals:
		t, err := parseDate(v)
		if err != nil {
			return false
		}
		for i := range values {
			if cmpMatch(c.kind-opDateEquals, t.Compare(values[i].t)) {
				return true
			}
		}
	case opBool:
		b, err := parseBool(v)
		if err != nil {
			return false
		}
		for i := range values {
			if values[i].bval == b {
				return true
			}
		}
	case opBinaryEquals:
		raw, err := base64.StdEncoding.DecodeString(v)
		if err != nil {
			raw = []byte(v)
		}
		for i := range values {
			if bytes.Equal(values[i].bin, raw) {
				return true
			}
		}
	case opIPAddress:
		a, err := netip.ParseAddr(strings.TrimSpace(v))
		if err != nil {
			return false
		}
		a = a.Unmap()
		for i := range values {
			if values[i].pfx.Contains(a) {
				return true
			}
		}
	case opArnLike:
		for i := range values {
			if values[i].arn.match(v) {
				return true
			}
		}
	}
	return false
}

// cmpMatch applies a comparison operator (0 equals, 1 less than, 2 less than
// or equals, 3 greater than, 4 greater than or equals; the same order for
// Numeric* and Date*) to a three-way comparison result.
func cmpMatch(op opKind, cmp int) bool {
	switch op {
	case 0:
		return cmp == 0
	case 1:
		return cmp < 0
	case 2:
		return cmp <= 0
	case 3:
		return cmp > 0
	default:
		return cmp >= 0
	}
}

func compareFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
