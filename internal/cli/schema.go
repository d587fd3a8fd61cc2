package cli

import (
	"context"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/render"
)

type schemaOptions struct {
	env *Env
}

func (o *schemaOptions) AddFlags(fs *pflag.FlagSet) {}

func newSchemaCmd(env *Env) *cobra.Command {
	o := &schemaOptions{env: env}
	cmd := &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of course.yaml",
		Long: `Schema prints a JSON Schema (draft 2020-12) for course.yaml on stdout. It
follows tecno's own decoder: the same keys, value types, layouts, statuses,
templates and providers. Editors with YAML language support (VS Code's YAML
extension, for example) complete and check a course file that starts with

  # yaml-language-server: $schema=course.schema.json

The repository keeps a copy in docs/course.schema.json.`,
		Example: `  tecno schema > course.schema.json
  tecno schema | jq '.$defs.scene.properties | keys'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runSchema(cmd.Context(), o)
		},
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

// courseSchema is the schema for this build: its templates and providers.
func courseSchema(env *Env) ([]byte, error) {
	return course.JSONSchema(course.SchemaOptions{
		Templates: render.Names(),
		Providers: newRegistry(env).Names(),
	})
}

func runSchema(ctx context.Context, o *schemaOptions) error {
	data, err := courseSchema(o.env)
	if err != nil {
		return err
	}
	_, err = o.env.Out.Write(data)
	return err
}
