package cli

// A small JSON Schema validator for the subset docs/course.schema.json
// uses, so the schema can be tested without a dependency. A keyword outside
// the subset is an error, so the schema cannot quietly outgrow the tests.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

type jsonSchema struct {
	root    map[string]any
	regexps map[string]*regexp.Regexp
}

func parseJSONSchema(t *testing.T, data []byte) *jsonSchema {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var root map[string]any
	if err := dec.Decode(&root); err != nil {
		t.Fatalf("schema is not JSON: %v", err)
	}
	return &jsonSchema{root: root, regexps: map[string]*regexp.Regexp{}}
}

// annotations are keywords that do not constrain values.
var annotations = map[string]bool{
	"$schema": true, "$id": true, "$defs": true, "title": true, "description": true, "examples": true,
}

// Validate returns one message per violation, each with its path.
func (s *jsonSchema) Validate(v any) []string {
	return s.check(s.root, v, "$")
}

func (s *jsonSchema) check(sch any, v any, path string) []string {
	switch sc := sch.(type) {
	case bool:
		if !sc {
			return []string{path + ": not allowed"}
		}
		return nil
	case map[string]any:
		return s.checkObj(sc, v, path)
	}
	return []string{path + ": bad schema node"}
}

func (s *jsonSchema) checkObj(sc map[string]any, v any, path string) []string {
	var errs []string
	fail := func(format string, args ...any) { errs = append(errs, path+": "+fmt.Sprintf(format, args...)) }
	for k, kw := range sc {
		if annotations[k] {
			continue
		}
		switch k {
		case "$ref":
			ref := kw.(string)
			name, ok := strings.CutPrefix(ref, "#/$defs/")
			if !ok {
				fail("unsupported $ref %q", ref)
				continue
			}
			target, ok := s.root["$defs"].(map[string]any)[name]
			if !ok {
				fail("dangling $ref %q", ref)
				continue
			}
			errs = append(errs, s.check(target, v, path)...)
		case "type":
			if !typeMatches(kw, v) {
				fail("type %s, want %v", typeName(v), kw)
			}
		case "enum":
			found := false
			for _, e := range kw.([]any) {
				if jsonEqual(e, v) {
					found = true
				}
			}
			if !found {
				fail("%v is not one of %v", v, kw)
			}
		case "const":
			if !jsonEqual(kw, v) {
				fail("%v is not %v", v, kw)
			}
		case "properties":
			m, ok := v.(map[string]any)
			if !ok {
				continue
			}
			for name, ps := range kw.(map[string]any) {
				if pv, ok := m[name]; ok {
					errs = append(errs, s.check(ps, pv, path+"."+name)...)
				}
			}
		case "required":
			m, ok := v.(map[string]any)
			if !ok {
				continue
			}
			for _, r := range kw.([]any) {
				if _, ok := m[r.(string)]; !ok {
					fail("missing required %q", r)
				}
			}
		case "additionalProperties":
			m, ok := v.(map[string]any)
			if !ok {
				continue
			}
			props, _ := sc["properties"].(map[string]any)
			for name, pv := range m {
				if _, ok := props[name]; ok {
					continue
				}
				if b, ok := kw.(bool); ok && !b {
					fail("unknown key %q", name)
					continue
				}
				errs = append(errs, s.check(kw, pv, path+"."+name)...)
			}
		case "minProperties", "maxProperties":
			m, ok := v.(map[string]any)
			if !ok {
				continue
			}
			n := num(kw)
			if (k == "minProperties" && float64(len(m)) < n) || (k == "maxProperties" && float64(len(m)) > n) {
				fail("%d keys, %s %v", len(m), k, kw)
			}
		case "items":
			a, ok := v.([]any)
			if !ok {
				continue
			}
			for i, item := range a {
				errs = append(errs, s.check(kw, item, path+"["+strconv.Itoa(i)+"]")...)
			}
		case "minItems":
			if a, ok := v.([]any); ok && float64(len(a)) < num(kw) {
				fail("%d items, minItems %v", len(a), kw)
			}
		case "anyOf", "oneOf", "allOf":
			matched := 0
			var sub []string
			for _, alt := range kw.([]any) {
				e := s.check(alt, v, path)
				if len(e) == 0 {
					matched++
				}
				sub = append(sub, e...)
			}
			switch {
			case k == "anyOf" && matched == 0:
				fail("matches none of anyOf: %s", strings.Join(sub, "; "))
			case k == "oneOf" && matched != 1:
				fail("matches %d of oneOf", matched)
			case k == "allOf":
				errs = append(errs, sub...)
			}
		case "pattern":
			str, ok := v.(string)
			if !ok {
				continue
			}
			re := s.regexps[kw.(string)]
			if re == nil {
				var err error
				if re, err = regexp.Compile(kw.(string)); err != nil {
					fail("bad pattern %q: %v", kw, err)
					continue
				}
				s.regexps[kw.(string)] = re
			}
			if !re.MatchString(str) {
				fail("%q does not match %s", str, kw)
			}
		case "minimum", "maximum", "multipleOf":
			f, ok := toFloat(v)
			if !ok {
				continue
			}
			lim := num(kw)
			switch {
			case k == "minimum" && f < lim, k == "maximum" && f > lim:
				fail("%v is out of range (%s %v)", v, k, kw)
			case k == "multipleOf" && math.Mod(f, lim) != 0:
				fail("%v is not a multiple of %v", v, kw)
			}
		default:
			fail("schema keyword %q is outside the tested subset", k)
		}
	}
	return errs
}

func num(v any) float64 {
	f, _ := toFloat(v)
	return f
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case int64:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

func typeName(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case int64:
		return "integer"
	case float64:
		if x == math.Trunc(x) && !math.IsInf(x, 0) {
			return "integer"
		}
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

func typeMatches(want any, v any) bool {
	var names []string
	switch w := want.(type) {
	case string:
		names = []string{w}
	case []any:
		for _, n := range w {
			names = append(names, n.(string))
		}
	}
	got := typeName(v)
	for _, n := range names {
		if n == got || (n == "number" && got == "integer") {
			return true
		}
	}
	return false
}

func jsonEqual(a, b any) bool {
	fa, oka := toFloat(a)
	fb, okb := toFloat(b)
	if oka || okb {
		return oka && okb && fa == fb
	}
	switch x := a.(type) {
	case nil:
		return b == nil
	case string:
		y, ok := b.(string)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	}
	return false
}

// yamlValue converts YAML to the JSON data model the way YAML language
// servers do: tags decide the type, aliases are followed.
func yamlValue(n *yaml.Node) (any, error) {
	for i := 0; n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return yamlValue(n.Content[0])
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("line %d: non-scalar key", k.Line)
			}
			v, err := yamlValue(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			m[k.Value] = v
		}
		return m, nil
	case yaml.SequenceNode:
		a := []any{}
		for _, c := range n.Content {
			v, err := yamlValue(c)
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
		return a, nil
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return nil, nil
		case "!!bool":
			var b bool
			err := n.Decode(&b)
			return b, err
		case "!!int":
			var i int64
			if err := n.Decode(&i); err == nil {
				return i, nil
			}
			var f float64
			err := n.Decode(&f)
			return f, err
		case "!!float":
			var f float64
			err := n.Decode(&f)
			return f, err
		}
		return n.Value, nil
	}
	return nil, fmt.Errorf("line %d: unexpected node", n.Line)
}

func yamlToJSONValue(data []byte) (any, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	return yamlValue(&doc)
}

// TestJSONSchemaValidator checks the validator itself on a small schema.
func TestJSONSchemaValidator(t *testing.T) {
	s := parseJSONSchema(t, []byte(`{
	  "type": "object",
	  "properties": {
	    "n": {"type": ["integer", "null"], "minimum": 1, "maximum": 9, "multipleOf": 2},
	    "s": {"type": "string", "pattern": "^a"},
	    "e": {"enum": ["x", null]},
	    "l": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/item"}}
	  },
	  "required": ["l"],
	  "additionalProperties": false,
	  "$defs": {"item": {"anyOf": [{"type": "string"}, {"type": "object", "minProperties": 1, "maxProperties": 1, "additionalProperties": {"const": 0}}]}}
	}`))
	tests := []struct {
		doc  string
		errs int
	}{
		{"l: [a]", 0},
		{"l: [a, {k: 0}]\nn: 4\ns: abc\ne: ~", 0},
		{"n: 4", 1},                     // l missing
		{"l: []", 1},                    // minItems
		{"l: [a]\nn: 3", 1},             // multipleOf
		{"l: [a]\nn: 10", 1},            // maximum
		{"l: [a]\nn: 1.5", 2},           // type and multipleOf
		{"l: [a]\ns: b", 1},             // pattern
		{"l: [a]\ne: y", 1},             // enum
		{"l: [a]\nzz: 1", 1},            // additionalProperties
		{"l: [{k: 1}]", 1},              // anyOf
		{"l: [{a: 0, b: 0}]", 1},        // maxProperties
		{"l: [a]\ns: 12", 1},            // a number is not a string
		{"l: [a]\nn: !!str 4", 1},       // a tagged string is not a number
		{"l: &x [a]\nq: *x", 1},         // aliases are followed
		{"l: [a]\ne: x\nn: null", 0},    // null allowed
		{"l: [{k: 0}, {k: 0.0}]", 0},    // 0.0 equals 0
		{"l: [a]\nn: 0x4", 0},           // YAML 1.2 hex int
		{"l: [a]\ns: \"a\"\nn: 2", 0},   // quoted string
		{"l: [a, b, c]\ne: \"x\"", 0},   // quoted enum value
		{"l: [a]\ne: \"null\"", 1},      // the string "null" is not null
		{"l: [a]\nn: ~\ne: ~\ns: a", 0}, // tildes
	}
	for _, tt := range tests {
		v, err := yamlToJSONValue([]byte(tt.doc))
		if err != nil {
			t.Fatalf("%q: %v", tt.doc, err)
		}
		if errs := s.Validate(v); len(errs) != tt.errs {
			t.Errorf("%q: %d errors %q, want %d", tt.doc, len(errs), errs, tt.errs)
		}
	}
	bad := parseJSONSchema(t, []byte(`{"type": "object", "if": {}}`))
	if errs := bad.Validate(map[string]any{}); len(errs) != 1 || !strings.Contains(errs[0], "outside the tested subset") {
		t.Errorf("unknown keyword not reported: %q", errs)
	}
}
