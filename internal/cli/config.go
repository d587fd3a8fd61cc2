package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/tecno-video/tecno/internal/config"
	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/fault"
	"github.com/tecno-video/tecno/internal/narrate"
)

type configOptions struct {
	env    *Env
	course string
	json   bool
	flags  *pflag.FlagSet
	// Flag values, which override every other layer when given.
	template, provider, voice, out, cacheDir string
	jobs                                     int
}

func (o *configOptions) AddFlags(fs *pflag.FlagSet) {
	o.flags = fs
	fs.StringVar(&o.course, "course", "", "course file whose settings to include")
	fs.BoolVar(&o.json, "json", false, "print the values as JSON")
	fs.StringVar(&o.template, "template", "", "show the effect of this template flag")
	fs.StringVar(&o.provider, "voice-provider", "", "show the effect of this voice provider flag")
	fs.StringVar(&o.voice, "voice-name", "", "show the effect of this voice name flag")
	fs.StringVarP(&o.out, "out", "o", "", "show the effect of this output folder flag")
	fs.IntVarP(&o.jobs, "jobs", "j", 0, "show the effect of this jobs flag")
	fs.StringVar(&o.cacheDir, "cache-dir", "", "show the effect of this cache folder flag")
}

// configFlags maps flag names to configuration keys.
var configFlags = map[string]string{
	"template":       config.KeyTemplate,
	"voice-provider": config.KeyVoiceProvider,
	"voice-name":     config.KeyVoiceName,
	"out":            config.KeyOutputDir,
	"jobs":           config.KeyJobs,
	"cache-dir":      config.KeyCacheDir,
}

func newConfigCmd(env *Env) *cobra.Command {
	o := &configOptions{env: env}
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Show tecno's effective settings and where each comes from",
		Long: `Settings come from, in order of precedence: command-line flags, then the
environment (TECNO_TEMPLATE, TECNO_VOICE_PROVIDER, TECNO_VOICE_NAME,
TECNO_OUTPUT_DIR, TECNO_JOBS, TECNO_CACHE_DIR), then the course file, then
the user config file ($XDG_CONFIG_HOME/tecno/config.yaml, else
~/.config/tecno/config.yaml), then built-in defaults.

The user config file holds the same keys:

  template: modern
  voice:
    provider: espeak-ng
    name: pt-br
  output:
    dir: out
  jobs: 4
  cache_dir: ~/.cache/tecno`,
		Example: `  tecno config show
  tecno config show --course course.yaml
  TECNO_JOBS=2 tecno config show --json`,
	}
	show := &cobra.Command{
		Use:   "show",
		Short: "Print each effective setting and where it came from",
		Example: `  tecno config show --course course.yaml
  tecno config show --json | jq -r '.[] | select(.key == "cache_dir") | .value'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runConfigShow(cmd.Context(), o)
		},
	}
	o.AddFlags(show.Flags())
	cmd.AddCommand(show)
	return cmd
}

// flagLayer returns the configuration keys set by changed flags, with the
// flag spelling for each, from a flag-name → key map.
func flagLayer(fs *pflag.FlagSet, keys map[string]string) (vals, names map[string]string) {
	vals, names = map[string]string{}, map[string]string{}
	if fs == nil {
		return vals, names
	}
	for flag, key := range keys {
		f := fs.Lookup(flag)
		if f == nil || !f.Changed {
			continue
		}
		vals[key] = f.Value.String()
		names[key] = "--" + flag
	}
	return vals, names
}

// resolveConfig resolves the settings for an optional course.
func resolveConfig(env *Env, c *course.Course, flags, names map[string]string) (*config.Config, error) {
	return config.Resolve(config.Layers{Flags: flags, FlagNames: names, Getenv: env.Getenv, Course: c})
}

// loadConfigured loads a course, applies the configuration layers to its
// course-level settings (see config.Config.Apply), and validates it,
// printing warnings to w when w is not nil. Validation problems come back
// as a fault.List (exit code 2).
func loadConfigured(path string, reg *narrate.Registry, w io.Writer, env *Env, flags, names map[string]string) (*course.Course, *config.Config, fault.List, error) {
	c, err := course.Load(path)
	if err != nil {
		return nil, nil, nil, err
	}
	cfg, err := resolveConfig(env, c, flags, names)
	if err != nil {
		return nil, nil, nil, err
	}
	venv := validationEnv(c, reg)
	if err := checkOverrides(cfg, venv); err != nil {
		return nil, nil, nil, err
	}
	cfg.Apply(c)
	errs, warns := course.Validate(c, venv)
	if w != nil {
		for _, wn := range warns {
			fmt.Fprintf(w, "tecno: warning: %s\n", wn.Error())
		}
	}
	if len(errs) > 0 {
		return c, cfg, warns, errs
	}
	return c, cfg, warns, nil
}

// checkOverrides reports a template or provider set outside the course
// file (flag, environment, user config) that does not exist, naming where
// it was set; Validate would otherwise blame the course file.
func checkOverrides(cfg *config.Config, venv course.Env) error {
	for _, k := range []struct {
		key, what string
		known     func(string) bool
		names     func() []string
	}{
		{config.KeyTemplate, "template", venv.KnownTemplate, venv.Templates},
		{config.KeyVoiceProvider, "voice provider", venv.KnownProvider, venv.Providers},
	} {
		v := cfg.Value(k.key)
		if v.Source == config.FromDefault || v.Source == config.FromCourse || k.known(v.Value) {
			continue
		}
		e := fault.New(fault.Input, "%s: unknown %s %q", v.Origin, k.what, v.Value)
		names := k.names()
		if s := course.Suggest(v.Value, names); s != "" {
			e.Msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
		return e.WithHint("%ss: %s", k.what, strings.Join(names, ", "))
	}
	return nil
}

func runConfigShow(ctx context.Context, o *configOptions) error {
	var c *course.Course
	if o.course != "" {
		var err error
		if c, err = course.Load(o.course); err != nil {
			return err
		}
	}
	flags, names := flagLayer(o.flags, configFlags)
	cfg, err := resolveConfig(o.env, c, flags, names)
	if err != nil {
		return err
	}
	if o.json {
		enc := json.NewEncoder(o.env.Out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(cfg.Values())
	}
	tw := tabwriter.NewWriter(o.env.Out, 0, 4, 2, ' ', 0)
	for _, v := range cfg.Values() {
		val := v.Value
		if val == "" {
			val = "(none)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s: %s\n", v.Key, val, v.Source, v.Origin)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if cfg.UserFile != "" {
		state := ""
		if _, err := os.Stat(cfg.UserFile); err != nil {
			state = " (not present)"
		}
		fmt.Fprintf(o.env.Err, "user config file: %s%s\n", cfg.UserFile, state)
	}
	return nil
}
