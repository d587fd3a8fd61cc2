// Package build turns a course into lesson videos.
//
// Every scene goes through four cached stages, two chains run side by side:
//
//	narrate → audio    text to speech, then an AAC segment of exact length
//	frame   → still    the rendered PNG, then one encoded IDR picture
//
// and each lesson is joined once: the stills are extended with skip frames
// (package h264) and, with the concatenated AAC segments, subtitles and
// chapters, muxed by stream copy. Each stage's key hashes everything that can
// change its output, so a rebuild redoes only what changed.
package build

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/tecno-video/tecno/internal/avatar"
	"github.com/tecno-video/tecno/internal/cache"
	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/fault"
	"github.com/tecno-video/tecno/internal/ffmpeg"
	"github.com/tecno-video/tecno/internal/narrate"
	"github.com/tecno-video/tecno/internal/progress"
	"github.com/tecno-video/tecno/internal/render"
)

// Stage names, as they appear in events and the build report.
const (
	StageNarrate = "narrate"
	StageAudio   = "audio"
	StageFrame   = "frame"
	StageStill   = "still"
	StageJoin    = "join"

	// Production stages (per scene unless noted).
	StageStates      = "states"       // bullet reveal and burned-caption pictures
	StageStateStills = "state-stills" // those pictures, encoded
	StageTransition  = "transition"   // a scene's entry transition frames
	StageClip        = "clip"         // an intro or outro video, transcoded
	StageMusic       = "music"        // lesson: music loudness analysis
	StageMix         = "mix"          // lesson: music mixed under the narration
)

// Stage versions: bump one whenever that stage's code changes its output,
// so stale cache entries are never reused.
const (
	narrateVersion   = "1"
	audioVersion     = "4" // 4: loudness.Normalize converges by model (a few hundredths of a dB)
	frameVersion     = "1"
	stillVersion     = "3" // 3: YUV converted in Go; one x264 thread
	joinVersion      = "4" // 4: MP4s written by package mp4
	thumbnailVersion = "1"

	statesVersion     = "1"
	transitionVersion = "3"
	clipVersion       = "2"
	musicVersion      = "1"
	mixVersion        = "3"
)

// Options configure a build.
type Options struct {
	Course    *course.Course
	Lessons   []string // lesson ids to build; empty means all
	OutDir    string   // output folder; default: the course's output.dir
	Cache     *cache.Cache
	Jobs      int // parallel workers; default runtime.NumCPU()
	FFmpeg    *ffmpeg.Runner
	Providers *narrate.Registry
	Progress  progress.Reporter
	// GOP is the distance between repeated IDR pictures, in frames
	// (default 10 s worth).
	GOP int
	// Presets, when not nil, replace the course's output.presets (the
	// --preset flags).
	Presets []string
	// Avatars are the talking presenters scenes may ask for (avatar.go);
	// nil offers the local presenter alone.
	Avatars *avatar.Registry
}

// Run builds the selected lessons. The returned report is non-nil whenever
// any work started, even on error.
func Run(ctx context.Context, opts Options) (*Report, error) {
	b, err := newBuilder(opts)
	if err != nil {
		return nil, err
	}
	return b.run(ctx)
}

type builder struct {
	opts     Options
	c        *course.Course
	out      string
	sem      chan struct{}
	audioQ   *batcher[ffmpeg.SceneAudio]
	decodeQ  *batcher[ffmpeg.FrameDecode]
	transSem chan struct{} // transitions holding their decoded ends
	stillMu  sync.Mutex
	stillQ   map[ffmpeg.Video]*batcher[ffmpeg.RawStill]
	prog     progress.Reporter
	video    ffmpeg.Video
	audio    ffmpeg.Audio
	ffver    string
	report   *Report
	reportMu sync.Mutex
	tmpls    *templateSet
	provFP   sync.Map // provider+voice → fingerprint

	// Production (variant.go): sizes[0] is the main size.
	sizes     []sizeVariant
	webm      bool
	audioOnly bool
	results   []lessonResult // built lessons, for the course video and index.html

	av avatarState // talking presenters (avatar.go)
}

func newBuilder(opts Options) (*builder, error) {
	if opts.Course == nil || opts.Cache == nil || opts.FFmpeg == nil || opts.Providers == nil {
		return nil, fmt.Errorf("build: incomplete options")
	}
	if opts.Jobs <= 0 {
		opts.Jobs = runtime.NumCPU()
	}
	if opts.Progress == nil {
		opts.Progress = progress.Nop{}
	}
	c := opts.Course
	out := opts.OutDir
	if out == "" {
		out = c.Resolve(c.Output.Dir)
	}
	v := ffmpeg.DefaultVideo
	if c.Output.Width > 0 {
		v.Width, v.Height = c.Output.Width, c.Output.Height
	}
	if c.Output.FPS > 0 {
		v.FPS = c.Output.FPS
	}
	if opts.GOP <= 0 {
		opts.GOP = 10 * v.FPS
	}
	b := &builder{
		opts:  opts,
		c:     c,
		out:   out,
		sem:   make(chan struct{}, opts.Jobs),
		prog:  opts.Progress,
		video: v,
		audio: ffmpeg.DefaultAudio,
		tmpls: newTemplateSet(c.Dir),
	}
	b.tmpls.ov = render.Overrides{Colors: c.Branding.Colors, Fonts: c.Branding.Fonts, BaseDir: c.Dir}
	b.transSem = make(chan struct{}, 2*opts.Jobs)
	b.decodeQ = &batcher[ffmpeg.FrameDecode]{b: b, max: decodeBatchMax, args: ffmpeg.DecodeFramesArgs}
	b.audioQ = &batcher[ffmpeg.SceneAudio]{b: b, max: audioBatchMax, args: func(s []ffmpeg.SceneAudio) []string { return ffmpeg.SceneAudioBatchArgs(s, b.audio) }}
	if err := b.setupVariants(); err != nil {
		return nil, err
	}
	return b, nil
}

func (b *builder) lessons() ([]*course.Lesson, error) {
	if len(b.opts.Lessons) == 0 {
		return b.c.Lessons, nil
	}
	var out []*course.Lesson
	for _, id := range b.opts.Lessons {
		l := b.c.Lesson(id)
		if l == nil {
			ids := make([]string, len(b.c.Lessons))
			for i, l := range b.c.Lessons {
				ids[i] = l.ID
			}
			e := fault.New(fault.Input, "no lesson %q in %s", id, b.c.Path)
			if s := course.Suggest(id, ids); s != "" {
				e.Msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			return nil, e.WithHint("lessons: %v", ids)
		}
		out = append(out, l)
	}
	return out, nil
}

func (b *builder) run(ctx context.Context) (*Report, error) {
	start := time.Now()
	lessons, err := b.lessons()
	if err != nil {
		return nil, err
	}
	if err := b.checkTools(ctx, lessons); err != nil {
		return nil, err
	}
	if err := b.checkAvatars(lessons); err != nil {
		return nil, err
	}
	if b.ffver, err = b.ffmpegVersion(ctx); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(b.out, 0o755); err != nil {
		return nil, fault.New(fault.Input, "cannot create output folder %s: %v", b.out, err).
			WithHint("choose a writable folder with -o DIR")
	}
	if err := checkWritable(b.out); err != nil {
		return nil, err
	}
	unlock, err := b.opts.Cache.Lock("build-" + cache.Key(b.c.Path)[:16])
	if err != nil {
		return nil, err
	}
	defer unlock()

	scenes := 0
	for _, l := range lessons {
		scenes += len(l.Scenes)
	}
	b.report = &Report{Schema: ReportSchema, Course: b.c.Path, Started: start.UTC()}
	b.emit(progress.Event{Type: progress.BuildStarted, Lessons: len(lessons), Scenes: scenes})

	runErr := b.buildAll(ctx, lessons)
	for range maxRepairs {
		if !errors.Is(runErr, cache.ErrCorrupt) || ctx.Err() != nil {
			break
		}
		// A cache entry failed verification when its files were about to
		// be used, and was removed: build again, remaking it (everything
		// else is a cache hit). Each round removes one more bad entry.
		b.warn("", "", fmt.Sprintf("%v; rebuilding it", runErr))
		runErr = b.buildAll(ctx, lessons)
	}
	b.report.finish(time.Since(start))
	if runErr == nil {
		runErr = b.writeReport()
	}
	ok := runErr == nil
	b.emit(progress.Event{Type: progress.Summary, OK: &ok, Lessons: len(b.report.Lessons),
		Scenes: scenes, Hits: b.report.CacheHits, Misses: b.report.CacheMisses,
		Seconds: b.report.WallSeconds, Duration: b.report.VideoSeconds, Realtime: b.report.RealtimeFactor})
	return b.report, runErr
}

// maxRepairs bounds the rebuilds after finding damaged cache entries.
const maxRepairs = 8

// buildAll builds the lessons, then (for a whole-course build) the course
// video and the index page.
func (b *builder) buildAll(ctx context.Context, lessons []*course.Lesson) error {
	b.report.Lessons, b.report.Stages, b.results = nil, nil, nil
	for _, l := range lessons {
		lr, err := b.buildLesson(ctx, l)
		if lr != nil {
			b.report.Lessons = append(b.report.Lessons, *lr)
		}
		if err != nil {
			return err
		}
	}
	if len(b.opts.Lessons) > 0 {
		return nil
	}
	// The whole course was built: its video and its index page.
	if err := b.joinCourse(ctx); err != nil {
		return err
	}
	return b.writeIndex()
}

func (b *builder) emit(e progress.Event) {
	e.Schema = progress.SchemaVersion
	if e.Time.IsZero() {
		e.Time = time.Now().UTC()
	}
	b.prog.Report(e)
}

func (b *builder) warn(lesson, scene, msg string) {
	b.reportMu.Lock()
	b.report.Warnings = append(b.report.Warnings, msg)
	b.reportMu.Unlock()
	b.emit(progress.Event{Type: progress.Warning, Lesson: lesson, Scene: scene, Message: msg})
}

// withSlot runs fn under a worker slot.
func (b *builder) withSlot(ctx context.Context, fn func() error) error {
	release, err := b.acquire(ctx)
	if err != nil {
		return err
	}
	defer release()
	return fn()
}

// acquire takes a worker slot; the returned func gives it back.
func (b *builder) acquire(ctx context.Context) (func(), error) {
	select {
	case b.sem <- struct{}{}:
		return func() { <-b.sem }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (b *builder) writeReport() error {
	data, err := json.MarshalIndent(b.report, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(b.out, "build-report.json"), append(data, '\n'))
}

// ffmpegVersion asks ffmpeg its version once per binary: the answer is
// remembered in the cache under the binary's identity.
func (b *builder) ffmpegVersion(ctx context.Context) (string, error) {
	id, err := b.opts.FFmpeg.Identity()
	if err != nil {
		return b.opts.FFmpeg.Version(ctx) // reports the missing tool
	}
	return b.opts.Cache.Memo("ffmpeg-version "+id, func() (string, error) { return b.opts.FFmpeg.Version(ctx) })
}
