package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/tecno-video/tecno/internal/cache"
	"github.com/tecno-video/tecno/internal/fault"
)

type cacheOptions struct {
	env      *Env
	dir      string
	course   string
	maxAge   time.Duration
	maxBytes string
}

func (o *cacheOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.dir, "cache-dir", "", "cache folder (default: $TECNO_CACHE_DIR, else .tecno/cache beside --course or the current folder)")
	fs.StringVar(&o.course, "course", "", "course file whose cache to use")
}

func newCacheCmd(env *Env) *cobra.Command {
	o := &cacheOptions{env: env}
	cmd := &cobra.Command{
		Use:   "cache",
		Short: "Inspect and trim the build cache",
		Example: `  tecno cache stats
  tecno cache prune --max-age 720h --max-size 2GB
  tecno cache clear`,
	}
	o.AddFlags(cmd.PersistentFlags())
	stats := &cobra.Command{
		Use: "stats", Short: "Show the number and size of cache entries", Args: cobra.NoArgs,
		Example: "  tecno cache stats --course course.yaml",
		RunE:    func(cmd *cobra.Command, _ []string) error { return runCache(cmd.Context(), o, "stats") },
	}
	prune := &cobra.Command{
		Use: "prune", Short: "Remove entries unused for long, then least recently used ones over a size", Args: cobra.NoArgs,
		Example: "  tecno cache prune --max-age 720h --max-size 2GB",
		RunE:    func(cmd *cobra.Command, _ []string) error { return runCache(cmd.Context(), o, "prune") },
	}
	prune.Flags().DurationVar(&o.maxAge, "max-age", 30*24*time.Hour, "remove entries not used for this long (0 = no limit)")
	prune.Flags().StringVar(&o.maxBytes, "max-size", "", "then remove least recently used entries until the cache fits (e.g. 500MB, 2GB)")
	clear := &cobra.Command{
		Use: "clear", Short: "Remove every cache entry", Args: cobra.NoArgs,
		Example: "  tecno cache clear",
		RunE:    func(cmd *cobra.Command, _ []string) error { return runCache(cmd.Context(), o, "clear") },
	}
	cmd.AddCommand(stats, prune, clear)
	return cmd
}

func runCache(ctx context.Context, o *cacheOptions, op string) error {
	dir := "."
	if o.course != "" {
		dir = parentDir(absPath(o.course))
	}
	store, err := cache.Open(cacheDirFor(o.dir, o.env, dir))
	if err != nil {
		return fault.New(fault.Input, "cannot open cache: %v", err)
	}
	switch op {
	case "stats":
		s, err := store.Stats()
		if err != nil {
			return err
		}
		fmt.Fprintf(o.env.Out, "%s: %d entries, %s\n", store.Dir(), s.Entries, humanBytes(s.Bytes))
	case "prune":
		limit, err := parseBytes(o.maxBytes)
		if err != nil {
			return fault.New(fault.Input, "--max-size: %v", err).WithHint("use a size like 500MB or 2GB")
		}
		s, err := store.Prune(o.maxAge, limit)
		if err != nil {
			return err
		}
		fmt.Fprintf(o.env.Out, "removed %d entries, %s\n", s.Entries, humanBytes(s.Bytes))
	case "clear":
		s, err := store.Clear()
		if err != nil {
			return err
		}
		fmt.Fprintf(o.env.Out, "removed %d entries, %s\n", s.Entries, humanBytes(s.Bytes))
	}
	return nil
}
