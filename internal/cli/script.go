package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/tecno-video/tecno/internal/avatar"
	"github.com/tecno-video/tecno/internal/build"
	"github.com/tecno-video/tecno/internal/cache"
	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/fault"
	"github.com/tecno-video/tecno/internal/narrate/cloud"
	"github.com/tecno-video/tecno/internal/script"
)

// Script writer providers.
var scriptProviders = []string{"offline", "openai"}

type scriptOptions struct {
	env         *Env
	course      string
	scenes      []string
	lessons     []string
	provider    string
	model       string
	prompt      string
	temperature float64
	cacheDir    string
	diff        bool
	force       bool
	dryRun      bool
	json        bool
	offline     bool
	flags       *pflag.FlagSet
}

func (o *scriptOptions) AddFlags(fs *pflag.FlagSet) {
	o.flags = fs
	fs.StringSliceVar(&o.scenes, "scene", nil, "write only this scene id (repeatable)")
	fs.StringSliceVar(&o.lessons, "lesson", nil, "write only the scenes of this lesson id (repeatable)")
	fs.StringVar(&o.provider, "provider", "offline", "script writer: offline (deterministic, no network) or openai (any OpenAI-compatible chat endpoint)")
	fs.StringVar(&o.model, "model", script.DefaultModel, "chat model for --provider openai")
	fs.StringVar(&o.prompt, "prompt", "", "prompt template file (default: the built-in templates/prompts/narration.tmpl)")
	fs.Float64Var(&o.temperature, "temperature", script.DefaultTemperature, "sampling temperature for --provider openai, 0 to 2")
	fs.StringVar(&o.cacheDir, "cache-dir", "", "cache folder (default: $TECNO_CACHE_DIR, else .tecno/cache beside the course)")
	fs.BoolVar(&o.diff, "diff", false, "print the changes as a unified diff instead of writing the course file")
	fs.BoolVar(&o.force, "force", false, "also replace narration that is approved (it goes back to draft)")
	fs.BoolVar(&o.dryRun, "dry-run", false, "print the expected API usage and cost of the script writer and the avatar clips, then stop")
	fs.BoolVar(&o.json, "json", false, "print the result as JSON")
	fs.BoolVar(&o.offline, "offline", false, "make no network request (--provider openai then fails)")
}

func newScriptCmd(env *Env) *cobra.Command {
	o := &scriptOptions{env: env}
	cmd := &cobra.Command{
		Use:   "script COURSE.yaml",
		Short: "Write or rewrite scene narration from the slides (offline or with a chat model)",
		Long: `Script writes narration for scenes from what their slides show: titles,
bullets, tables, body text and notes. The result goes into each scene as
proposed narration with status: draft, for review. Narration that is
approved is never replaced unless --force; scenes that play a recording
(narration_audio) are left alone. Both are listed.

The offline writer (the default) composes plain spoken sentences and spells
out what a voice would stumble on: abbreviations (e.g., i.e., etc.),
symbols (%, →, ≥, &), version numbers and URLs. It speaks English and
Portuguese. With --provider openai, a chat model writes the narration:
OpenAI itself (OPENAI_API_KEY), or a local server such as Ollama or
llama.cpp (TECNO_OPENAI_BASE_URL=http://localhost:11434/v1, no key needed).
Answers are cached; token usage and an estimated cost are reported.`,
		Example: `  tecno script course.yaml --diff                 # show what the offline writer proposes
  tecno script course.yaml --scene why             # rewrite one scene
  tecno script course.yaml --provider openai --model gpt-4o-mini --dry-run
  TECNO_OPENAI_BASE_URL=http://localhost:11434/v1 tecno script course.yaml --provider openai --model llama3.2`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.course = args[0]
			return runScript(cmd.Context(), o)
		},
	}
	o.AddFlags(cmd.Flags())
	_ = cmd.RegisterFlagCompletionFunc("provider", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return scriptProviders, cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

// scriptJSON is the --json result of a run.
type scriptJSON struct {
	*script.Report
	Saved bool   `json:"saved"`
	Diff  string `json:"diff,omitempty"`
}

func runScript(ctx context.Context, o *scriptOptions) error {
	if !slices.Contains(scriptProviders, o.provider) {
		e := fault.New(fault.Input, "unknown script provider %q", o.provider)
		if s := course.Suggest(o.provider, scriptProviders); s != "" {
			e.Msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
		return e.WithHint("providers: %s", strings.Join(scriptProviders, ", "))
	}
	if o.offline {
		ctx = cloud.WithOffline(ctx)
	}
	doc, err := course.LoadDocument(o.course)
	if err != nil {
		return err
	}
	c := doc.Course()
	cacheDir := cacheDirFor(o.cacheDir, o.env, c.Dir)
	writer, err := o.writer(cacheDir)
	if err != nil {
		return err
	}
	if o.dryRun {
		return o.printDryRun(ctx, c, writer, cacheDir)
	}
	before := append([]byte(nil), doc.Bytes()...)
	rep, err := script.Run(ctx, script.Options{Doc: doc, Writer: writer, Scenes: o.scenes, Lessons: o.lessons, Force: o.force})
	if err != nil {
		return err
	}
	res := scriptJSON{Report: rep}
	if o.diff {
		res.Diff = script.UnifiedDiff(filepath.Base(o.course), before, doc.Bytes())
	} else if doc.Dirty() {
		if err := doc.Save(); err != nil {
			var ce *course.ConflictError
			if errors.As(err, &ce) {
				return fault.New(fault.Input, "%s changed on disk while tecno script ran; nothing was written", o.course).
					WithHint("run tecno script again")
			}
			return err
		}
		res.Saved = true
	}
	if o.json {
		enc := json.NewEncoder(o.env.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	summary := o.env.Out
	if o.diff {
		io.WriteString(o.env.Out, res.Diff)
		summary = o.env.Err
	}
	printScriptReport(summary, rep, res.Saved, o.course)
	return nil
}

// writer builds the script writer the flags ask for.
func (o *scriptOptions) writer(cacheDir string) (script.Writer, error) {
	if o.provider == "offline" {
		for _, f := range []string{"model", "prompt", "temperature"} {
			if o.flags != nil && o.flags.Changed(f) {
				return nil, fault.New(fault.Input, "--%s applies to --provider openai only", f).
					WithHint("add --provider openai, or drop --%s", f)
			}
		}
		return script.Offline{}, nil
	}
	lookup := cloud.LookupFunc(func(k string) (string, bool) {
		v := o.env.Getenv(k)
		return v, v != ""
	})
	temp := o.temperature
	chat, err := script.ChatFromEnv(lookup, cloud.Options{Offline: o.offline}, o.model, &temp)
	if err != nil {
		return nil, err
	}
	prompt, err := script.LoadPrompt(o.prompt)
	if err != nil {
		return nil, err
	}
	w := &script.ChatWriter{Chat: chat, Prompt: prompt}
	if !o.dryRun || dirExists(cacheDir) {
		store, err := cache.Open(cacheDir)
		if err != nil {
			return nil, fault.New(fault.Input, "cannot open cache folder: %v", err).
				WithHint("set --cache-dir or TECNO_CACHE_DIR to a writable folder")
		}
		w.Cache = store
	}
	return w, nil
}

func dirExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

func printScriptReport(w io.Writer, rep *script.Report, saved bool, path string) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, s := range rep.Scenes {
		what := s.Action
		switch {
		case s.Reason == script.ReasonApproved:
			what += " (approved; --force replaces it)"
		case s.Reason == script.ReasonAudio:
			what += " (plays narration_audio)"
		case s.Replaced:
			what += " (replaced approved narration; back to draft)"
		case s.Cached:
			what += " (cached)"
		}
		fmt.Fprintf(tw, "%s\t%s\n", s.Scene, what)
	}
	tw.Flush()
	fmt.Fprintf(w, "%d written, %d unchanged, %d skipped", rep.Written, rep.Unchanged, rep.Skipped)
	if rep.Provider != "offline" {
		fmt.Fprintf(w, "; %s: %d prompt + %d completion tokens, est. $%.4f", rep.Model, rep.Usage.PromptTokens, rep.Usage.CompletionTokens, rep.CostUSD)
		if rep.Cached > 0 {
			fmt.Fprintf(w, " (%d from cache, free)", rep.Cached)
		}
	}
	fmt.Fprintln(w)
	if rep.CostNote != "" {
		fmt.Fprintf(w, "cost: %s\n", rep.CostNote)
	}
	switch {
	case saved:
		fmt.Fprintf(w, "wrote %s; review with: tecno review %s\n", path, path)
	case rep.Written > 0:
		fmt.Fprintln(w, "nothing written (--diff)")
	}
}

// dryRunJSON is the --dry-run --json result.
type dryRunJSON struct {
	DryRun  bool                  `json:"dry_run"`
	Script  script.Estimate       `json:"script"`
	Avatars []avatar.ClipEstimate `json:"avatars"`
}

// printDryRun prints the expected usage of the script writer and of the
// avatar clips a build would make, without any request.
func (o *scriptOptions) printDryRun(ctx context.Context, c *course.Course, w script.Writer, cacheDir string) error {
	est, err := script.EstimateRun(c, script.EstimateOptions{Scenes: o.scenes, Lessons: o.lessons, Force: o.force, Writer: w})
	if err != nil {
		return err
	}
	speech := func(_ *course.Lesson, s *course.Scene) (float64, bool) {
		return avatar.SpeechSeconds(s.Words(), 1), false
	}
	if dirExists(cacheDir) {
		if store, err := cache.Open(cacheDir); err == nil {
			if f, err := build.SpeechSeconds(cloud.WithOffline(ctx), build.Options{Course: c, Cache: store, FFmpeg: o.env.FFmpeg,
				Providers: newRegistryOffline(o.env, true)}); err == nil {
				speech = f
			}
		}
	}
	clips := avatar.Estimate(c, o.lessons, speech)
	if o.json {
		enc := json.NewEncoder(o.env.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(dryRunJSON{DryRun: true, Script: est, Avatars: clips})
	}
	out := o.env.Out
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SCRIPT WRITER\tMODEL\tSCENES\tSKIPPED\tCACHED\tPROMPT TOKENS\tCOMPLETION TOKENS\tEST. COST (USD)")
	model := est.Model
	if model == "" {
		model = "-"
	}
	fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t~%d\t~%d\t$%.4f\n", est.Provider, model, est.Scenes, est.Skipped, est.Cached,
		est.PromptTokens, est.CompletionTokens, est.CostUSD)
	tw.Flush()
	fmt.Fprintf(out, "  %s\n\n", est.Note)
	if len(clips) == 0 {
		fmt.Fprintln(out, "AVATAR CLIPS: none (no scene has an avatar)")
		return nil
	}
	tw = tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "AVATAR\tSCENES\tSECONDS\tMEASURED\tCREDITS\tEST. COST (USD)")
	total := est.CostUSD
	for _, e := range clips {
		fmt.Fprintf(tw, "%s\t%d\t%.1f\t%d\t%d\t$%.2f\n", e.Provider, e.Scenes, e.Seconds, e.Measured, e.Credits, e.CostUSD)
		total += e.CostUSD
	}
	tw.Flush()
	for _, e := range clips {
		fmt.Fprintf(out, "  %s: %s\n", e.Provider, e.Note)
	}
	fmt.Fprintf(out, "\ntotal: $%.2f (upper bound: cached answers and clips cost nothing; seconds not measured are estimated from the words)\n", total)
	return nil
}
