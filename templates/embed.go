// Package templates holds the built-in slide templates. Each *.yaml file is
// one template; internal/render loads them by name (the file name without
// its extension). The schema is documented in modern.yaml.
package templates

import "embed"

// FS holds the built-in template files.
//
//go:embed *.yaml
var FS embed.FS
