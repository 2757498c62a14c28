package iam

import "strings"

// Targets lists the resources worth asking about when the question is
// "may p call action on some resource matching base?" (base is a pattern
// such as arn:aws:lambda:us-east-1:111122223333:function:*): def, the
// literal resource standing for "any" (usually base itself), then one
// concrete instance of each resource pattern of p's Allow statements for
// action (and of the extra policies', e.g. the resource's policy) that falls
// under base. Asking def alone finds only grants on every resource; the
// instances find a grant on one named function, stack or object prefix.
// Patterns with policy variables are skipped (their value depends on the
// caller).
func (p *Principal) Targets(action, base, def string, extra ...*Policy) []string {
	out := []string{def}
	if p == nil {
		return out
	}
	seen := map[string]bool{def: true}
	bp := compileARNPattern(base)
	la := strings.ToLower(action)
	add := func(pol *Policy) {
		if pol == nil {
			return
		}
		for i := range pol.statements {
			s := &pol.statements[i]
			if !s.allow || s.notRes || !s.hasRes || !s.matchAction(la) {
				continue
			}
			for _, r := range s.src.Resource {
				c := instantiate(r, def)
				if c == "" || seen[c] || !bp.match(c) {
					continue
				}
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	for _, pol := range p.Input.Identity {
		add(pol)
	}
	for _, pol := range extra {
		add(pol)
	}
	return out
}

// instantiate turns a resource pattern into one ARN it matches: wildcard
// partition, service, region or account fields take def's value, wildcards
// in the resource part become "x". "" when pattern is not a six-field ARN or
// holds a policy variable.
func instantiate(pattern, def string) string {
	if strings.Contains(pattern, "${") {
		return ""
	}
	pf, ok := splitARN(pattern)
	if !ok {
		return ""
	}
	df, _ := splitARN(def)
	x := strings.NewReplacer("*", "x", "?", "x")
	for k := 1; k < 5; k++ {
		if hasWildcard(pf[k]) {
			// def's value when the pattern admits it (region "*"), else
			// one value of the pattern's own ("eu-*" -> "eu-x").
			if !hasWildcard(df[k]) && glob(pf[k], df[k], false) {
				pf[k] = df[k]
			} else {
				pf[k] = x.Replace(pf[k])
			}
		}
	}
	r := x.Replace(pf[5])
	return "arn:" + pf[1] + ":" + pf[2] + ":" + pf[3] + ":" + pf[4] + ":" + r
}
