// Package templates holds the built-in slide templates. Each *.yaml file is
// one template; internal/render loads them by name (the file name without
// its extension). The schema is documented in modern.yaml.
package templates

import "embed"

// FS holds the built-in template files.
//
//go:embed *.yaml
var FS embed.FS

// Prompts holds the prompt templates of the script writer
// (prompts/*.tmpl, Go text/template); internal/script reads them.
//
//go:embed prompts/*.tmpl
var Prompts embed.FS
