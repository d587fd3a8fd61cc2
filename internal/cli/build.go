package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/tecno-video/tecno/internal/build"
	"github.com/tecno-video/tecno/internal/cache"
	"github.com/tecno-video/tecno/internal/fault"
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
}

func (o *buildOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVarP(&o.out, "out", "o", "", "output folder (default: the course's output.dir, \"out\")")
	fs.StringSliceVar(&o.lessons, "lesson", nil, "build only this lesson id (repeatable)")
	fs.IntVarP(&o.jobs, "jobs", "j", runtime.NumCPU(), "parallel workers for narration and encoding")
	fs.StringVar(&o.cacheDir, "cache-dir", "", "cache folder (default: $TECNO_CACHE_DIR, else .tecno/cache beside the course)")
	fs.BoolVar(&o.json, "json", false, "print NDJSON events on stdout (see docs/events.md)")
	fs.BoolVarP(&o.quiet, "quiet", "q", false, "print errors only")
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
  tecno build course.yaml --json > events.ndjson`,
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
	if o.jobs < 1 {
		return fault.New(fault.Input, "--jobs must be at least 1, got %d", o.jobs)
	}
	reg := newRegistry(o.env)
	warnTo := o.env.Err
	if o.quiet || o.json {
		warnTo = nil
	}
	c, _, err := loadValid(o.course, reg, warnTo)
	if err != nil {
		return err
	}
	store, err := cache.Open(cacheDirFor(o.cacheDir, o.env, c.Dir))
	if err != nil {
		return fault.New(fault.Input, "cannot open cache folder: %v", err).WithHint("set --cache-dir or TECNO_CACHE_DIR to a writable folder")
	}
	out := ""
	if o.out != "" {
		out = absPath(o.out)
	}
	rep := newReporter(o.env, o.json, o.quiet)
	report, err := build.Run(ctx, build.Options{
		Course: c, Lessons: o.lessons, OutDir: out, Cache: store, Jobs: o.jobs,
		FFmpeg: o.env.FFmpeg, Providers: reg, Progress: rep,
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
