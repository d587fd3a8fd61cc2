package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/fault"
)

// userEntry is one value set in the user config file.
type userEntry struct {
	value     string
	line, col int
}

type userFile struct {
	values map[string]userEntry
}

// loadUser reads the user config file. A missing file is an empty config.
//
//	template: modern
//	voice:
//	  provider: espeak-ng
//	  name: pt-br
//	output:
//	  dir: out
//	jobs: 4
//	cache_dir: ~/.cache/tecno
func loadUser(path string) (*userFile, error) {
	u := &userFile{values: map[string]userEntry{}}
	if path == "" {
		return u, nil
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return u, nil
	}
	if err != nil {
		return nil, &fault.Error{Kind: fault.Input, File: path, Msg: fmt.Sprintf("cannot read config file: %v", err), Err: err}
	}
	return parseUser(path, data)
}

// parseUser decodes the user config file strictly: unknown keys and wrong
// types are errors with line:col.
func parseUser(path string, data []byte) (*userFile, error) {
	u := &userFile{values: map[string]userEntry{}}
	var doc yaml.Node
	err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc)
	if errors.Is(err, io.EOF) {
		return u, nil
	}
	if err != nil {
		return nil, (&fault.Error{Kind: fault.Input, File: path, Msg: "yaml syntax error: " + strings.TrimPrefix(err.Error(), "yaml: "), Err: err}).
			WithHint("the config file holds keys such as template, voice.provider, jobs and cache_dir")
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	var errs fault.List
	var walk func(n *yaml.Node, prefix string)
	walk = func(n *yaml.Node, prefix string) {
		if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
			return
		}
		if n.Kind != yaml.MappingNode {
			errs = append(errs, fault.At(path, n.Line, n.Column, "%s must be a mapping", orTop(prefix)))
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			key := k.Value
			if prefix != "" {
				key = prefix + "." + k.Value
			}
			if hasPrefix(key) && v.Kind == yaml.MappingNode {
				walk(v, key)
				continue
			}
			if !known(key) {
				e := fault.At(path, k.Line, k.Column, "unknown key %q", key)
				if s := course.Suggest(key, suggestions()); s != "" {
					e.Msg += fmt.Sprintf(" (did you mean %q?)", s)
				} else {
					e.WithHint("valid keys: %s", strings.Join(Keys, ", "))
				}
				errs = append(errs, e)
				continue
			}
			if v.Kind != yaml.ScalarNode {
				errs = append(errs, fault.At(path, v.Line, v.Column, "%s must be a single value", key))
				continue
			}
			if _, dup := u.values[key]; dup {
				errs = append(errs, fault.At(path, k.Line, k.Column, "duplicate key %q", key))
				continue
			}
			if v.Tag == "!!null" {
				continue
			}
			u.values[key] = userEntry{value: v.Value, line: v.Line, col: v.Column}
		}
	}
	walk(root, "")
	if len(errs) > 0 {
		return nil, errs
	}
	return u, nil
}

func orTop(prefix string) string {
	if prefix == "" {
		return "the config file"
	}
	return prefix
}

func known(key string) bool {
	for _, k := range Keys {
		if k == key {
			return true
		}
	}
	return false
}

// suggestions are the keys and their parents (voice, output), for "did
// you mean".
func suggestions() []string {
	out := append([]string(nil), Keys...)
	for _, k := range Keys {
		if p, _, ok := strings.Cut(k, "."); ok && !known(p) {
			out = append(out, p)
		}
	}
	return out
}

// hasPrefix reports whether key is the parent of a dotted key (voice,
// output).
func hasPrefix(key string) bool {
	for _, k := range Keys {
		if strings.HasPrefix(k, key+".") {
			return true
		}
	}
	return false
}
