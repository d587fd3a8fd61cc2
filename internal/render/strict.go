package render

import (
	"reflect"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/fault"
)

// strictCheck walks a YAML document against the Go type it will decode
// into and reports unknown keys and mistyped scalars with line:col. It
// fills pos with the node of every key path ("layouts.bullets.title.x"),
// for locating later validation errors.
func strictCheck(file string, n *yaml.Node, t reflect.Type, path string, pos map[string]*yaml.Node) fault.List {
	budget := maxTemplateNodes
	return strictWalk(file, n, t, path, pos, &budget)
}

// maxTemplateNodes bounds the nodes a template may expand to (aliases are
// followed), so that a file of nested aliases cannot make loading explode.
const maxTemplateNodes = 200_000

func strictWalk(file string, n *yaml.Node, t reflect.Type, path string, pos map[string]*yaml.Node, budget *int) fault.List {
	var errs fault.List
	if n == nil {
		return nil
	}
	if *budget--; *budget < 0 {
		if *budget == -1 {
			return fault.List{fault.At(file, n.Line, n.Column, "the template is too large or uses too many aliases")}
		}
		return nil
	}
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			return nil
		}
		return strictWalk(file, n.Content[0], t, path, pos, budget)
	}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if path != "" {
		pos[path] = n
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return nil
	}
	at := func(format string, args ...any) *fault.Error {
		return fault.At(file, n.Line, n.Column, format, args...)
	}
	where := path
	if where == "" {
		where = "the template"
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return fault.List{at("%s must be a mapping", where)}
		}
		fields := yamlFields(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Value == "<<" {
				errs = append(errs, strictWalk(file, v, t, path, pos, budget)...)
				continue
			}
			ft, ok := fields[k.Value]
			if !ok {
				names := make([]string, 0, len(fields))
				for name := range fields {
					names = append(names, name)
				}
				e := fault.At(file, k.Line, k.Column, "unknown key %q in %s", k.Value, where)
				if s := didYouMean(k.Value, names); s != "" {
					e.Msg += " (did you mean \"" + s + "\"?)"
				}
				sort.Strings(names)
				e.WithHint("known keys: %s", strings.Join(names, ", "))
				errs = append(errs, e)
				continue
			}
			errs = append(errs, strictWalk(file, v, ft, join(path, k.Value), pos, budget)...)
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			return fault.List{at("%s must be a mapping", where)}
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			errs = append(errs, strictWalk(file, v, t.Elem(), join(path, k.Value), pos, budget)...)
		}
	case reflect.Slice, reflect.Array:
		if n.Kind != yaml.SequenceNode {
			return fault.List{at("%s must be a list", where)}
		}
		if t.Kind() == reflect.Array && len(n.Content) != t.Len() {
			return fault.List{at("%s must have exactly %d items", where, t.Len())}
		}
		for i, item := range n.Content {
			errs = append(errs, strictWalk(file, item, t.Elem(), join(path, strconv.Itoa(i)), pos, budget)...)
		}
	case reflect.Float64, reflect.Int:
		if n.Kind != yaml.ScalarNode || (n.ShortTag() != "!!int" && n.ShortTag() != "!!float") {
			return fault.List{at("%s must be a number, not %q", where, n.Value)}
		}
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
			return fault.List{at("%s must be true or false, not %q", where, n.Value)}
		}
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			return fault.List{at("%s must be a string", where)}
		}
	}
	return errs
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// yamlFields maps yaml key names to field types.
func yamlFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name := strings.Split(f.Tag.Get("yaml"), ",")[0]
		if name == "-" {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out[name] = f.Type
	}
	return out
}

// didYouMean returns the candidate closest to s, or "" when none is close.
func didYouMean(s string, candidates []string) string {
	best, bestD := "", 1<<30
	sorted := append([]string(nil), candidates...)
	sort.Strings(sorted)
	for _, c := range sorted {
		d := course.EditDistance(strings.ToLower(s), strings.ToLower(c))
		if d < bestD {
			best, bestD = c, d
		}
	}
	limit := len(s) / 3
	if limit < 2 {
		limit = 2
	}
	if bestD <= limit {
		return best
	}
	return ""
}
