package cloudformation

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"gopkg.in/yaml.v3"

	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// jsonNode parses a JSON template into the same node tree yaml.v3 builds,
// with exact JSON semantics (escapes such as \/ and surrogate pairs, which
// libyaml refuses) and each value's line and column from the decoder's
// offsets.
func jsonNode(data []byte) (*yaml.Node, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	p := &jsonParser{dec: dec, data: data}
	n, err := p.value()
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		line, col := awsm.LineCol(data, dec.InputOffset())
		return nil, fmt.Errorf("line %d, column %d: data after the end of the template", line, col)
	}
	return n, nil
}

type jsonParser struct {
	dec  *json.Decoder
	data []byte
}

// next returns the next token and the line and column where it starts: the
// first byte after the previous token that is not a separator.
func (p *jsonParser) next() (json.Token, int, int, error) {
	off := p.dec.InputOffset()
	for off < int64(len(p.data)) {
		switch p.data[off] {
		case ' ', '\t', '\r', '\n', ':', ',':
			off++
			continue
		}
		break
	}
	tok, err := p.dec.Token()
	line, col := awsm.LineCol(p.data, off)
	return tok, line, col, err
}

func (p *jsonParser) value() (*yaml.Node, error) {
	tok, line, col, err := p.next()
	if err != nil {
		return nil, err
	}
	return p.build(tok, line, col)
}

func (p *jsonParser) build(tok json.Token, line, col int) (*yaml.Node, error) {
	n := &yaml.Node{Line: line, Column: col}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			n.Kind, n.Tag, n.Style = yaml.MappingNode, "!!map", yaml.FlowStyle
			for p.dec.More() {
				ktok, kl, kc, err := p.next()
				if err != nil {
					return nil, err
				}
				k, ok := ktok.(string)
				if !ok {
					return nil, fmt.Errorf("line %d, column %d: object key is not a string", kl, kc)
				}
				v, err := p.value()
				if err != nil {
					return nil, err
				}
				n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k, Line: kl, Column: kc}, v)
			}
		case '[':
			n.Kind, n.Tag, n.Style = yaml.SequenceNode, "!!seq", yaml.FlowStyle
			for p.dec.More() {
				v, err := p.value()
				if err != nil {
					return nil, err
				}
				n.Content = append(n.Content, v)
			}
		default:
			return nil, fmt.Errorf("line %d, column %d: unexpected %v", line, col, t)
		}
		if _, err := p.dec.Token(); err != nil { // the closing delimiter
			return nil, err
		}
	case string:
		n.Kind, n.Tag, n.Value, n.Style = yaml.ScalarNode, "!!str", t, yaml.DoubleQuotedStyle
	case json.Number:
		n.Kind, n.Tag, n.Value = yaml.ScalarNode, "!!float", t.String()
		if _, err := t.Int64(); err == nil {
			n.Tag = "!!int"
		}
	case bool:
		n.Kind, n.Tag, n.Value = yaml.ScalarNode, "!!bool", fmt.Sprint(t)
	case nil:
		n.Kind, n.Tag, n.Value = yaml.ScalarNode, "!!null", "null"
	}
	return n, nil
}
