package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"runtime"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/tecno-video/tecno/internal/build"
	"github.com/tecno-video/tecno/internal/cache"
	"github.com/tecno-video/tecno/internal/config"
	"github.com/tecno-video/tecno/internal/fault"
	"github.com/tecno-video/tecno/internal/narrate/cloud"
)

type buildOptions struct {
	env      *Env
	course   string
	out      string
	lessons  []string
	jobs     int
	cacheDir string
	json     bool
	quiet    bool
	flags    *pflag.FlagSet
	offline  bool
	dryRun   bool

	requireApproved bool
	presets         []string
}

func (o *buildOptions) AddFlags(fs *pflag.FlagSet) {
	o.flags = fs
	fs.StringVarP(&o.out, "out", "o", "", "output folder (default: the course's output.dir, \"out\")")
	fs.StringSliceVar(&o.lessons, "lesson", nil, "build only this lesson id (repeatable)")
	fs.IntVarP(&o.jobs, "jobs", "j", runtime.NumCPU(), "parallel workers for narration and encoding")
	fs.StringVar(&o.cacheDir, "cache-dir", "", "cache folder (default: $TECNO_CACHE_DIR, else .tecno/cache beside the course)")
	fs.BoolVar(&o.json, "json", false, "print NDJSON events on stdout (see docs/events.md)")
	fs.BoolVarP(&o.quiet, "quiet", "q", false, "print errors only")
	fs.BoolVar(&o.offline, "offline", false, "make no network request: a scene needing a cloud voice that is not cached is an error")
	fs.BoolVar(&o.dryRun, "dry-run", false, "print the characters each provider would synthesize and an estimated cost, then stop")
	fs.BoolVar(&o.requireApproved, "require-approved", false, "fail (exit code 5) listing the scenes not approved in review, before building anything")
	fs.StringSliceVar(&o.presets, "preset", nil, "output preset, repeatable, replacing output.presets: 1080p, 720p, 4k, vertical, square (the first size is the main MP4), webm, audio-only")
}

func newBuildCmd(env *Env) *cobra.Command {
	o := &buildOptions{env: env}
	cmd := &cobra.Command{
		Use:   "build COURSE.yaml",
		Short: "Build narrated lesson videos from a course file",
		Long: `Build renders every scene, narrates it, and assembles one MP4 per lesson in
the output folder, with .srt and .vtt subtitles, one chapter per scene and a
PNG thumbnail. Every stage is cached: a rebuild redoes only what changed.`,
		Example: `  tecno build examples/intro/course.yaml
  tecno build course.yaml --lesson intro -o dist/
  tecno build course.yaml --json > events.ndjson
  tecno build course.yaml --dry-run          # characters and cost per provider
  tecno build course.yaml --offline          # guarantee no network request`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.course = args[0]
			return runBuild(cmd.Context(), o)
		},
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

// cacheDirFor resolves the cache folder: flag, then TECNO_CACHE_DIR, then
// .tecno/cache beside the course.
func cacheDirFor(flag string, env *Env, courseDir string) string {
	if flag != "" {
		return absPath(flag)
	}
	if v := env.Getenv("TECNO_CACHE_DIR"); v != "" {
		return absPath(v)
	}
	return filepath.Join(courseDir, ".tecno", "cache")
}

func runBuild(ctx context.Context, o *buildOptions) error {
	rep := newReporter(o.env, o.json, o.quiet)
	reg := newRegistryOffline(o.env, o.offline)
	if o.offline {
		ctx = cloud.WithOffline(ctx)
	}
	warnTo := o.env.Err
	if o.quiet || o.json {
		warnTo = nil
	}
	// Jobs, cache and output folders, template and voice: flags, then
	// TECNO_*, then the course, then the user config file (config show).
	flags, names := flagLayer(o.flags, map[string]string{"out": config.KeyOutputDir, "jobs": config.KeyJobs, "cache-dir": config.KeyCacheDir})
	c, cfg, warns, err := loadConfigured(o.course, reg, warnTo, o.env, flags, names)
	if err != nil {
		rep.Done(nil, err)
		return err
	}
	rep.warnings(warns)
	if o.requireApproved {
		if err := requireApproved(c, o.lessons); err != nil {
			rep.Done(nil, err)
			return err
		}
	}
	if o.dryRun {
		us := estimateUsage(c, o.lessons)
		if o.json {
			return json.NewEncoder(o.env.Out).Encode(map[string]any{"dry_run": true, "providers": us})
		}
		printUsage(o.env.Out, us)
		return nil
	}
	store, err := cache.Open(cfg.CacheDir)
	if err != nil {
		err = fault.New(fault.Input, "cannot open cache folder: %v", err).WithHint("set --cache-dir or TECNO_CACHE_DIR to a writable folder")
		rep.Done(nil, err)
		return err
	}
	out := ""
	if o.out != "" {
		out = absPath(o.out)
	}
	report, err := build.Run(ctx, build.Options{
		Course: c, Lessons: o.lessons, OutDir: out, Cache: store, Jobs: cfg.Jobs,
		FFmpeg: o.env.FFmpeg, Providers: reg, Progress: rep, Presets: o.presets,
		Avatars: newAvatars(o.env, o.offline),
	})
	rep.Done(report, err)
	if err != nil {
		return err
	}
	if !o.json && !o.quiet {
		for _, l := range report.Lessons {
			fmt.Fprintf(o.env.Out, "%s\n", l.Outputs["mp4"])
		}
	}
	return nil
}
