package cwfilter

import "encoding/json"

// Event is a synthetic log event that a filter is expected to match: Label
// names it in messages (usually the CloudTrail eventName), Fields is the
// decoded JSON document.
type Event struct {
	Label  string
	Fields map[string]any
}

// Missing returns the labels of the events the pattern does not match, in
// order: an empty result means the pattern covers them all. Comparing
// matches rather than text is what lets reordered terms, extra spacing,
// regrouped || and broader filters pass.
func (p *Pattern) Missing(events []Event) []string {
	var missing []string
	for _, e := range events {
		raw := ""
		if p.Kind == KindTerms {
			b, _ := json.Marshal(e.Fields)
			raw = string(b)
		}
		if !p.Match(e.Fields, raw) {
			missing = append(missing, e.Label)
		}
	}
	return missing
}
