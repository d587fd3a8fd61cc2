package build

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/image/draw"

	"github.com/tecno-video/tecno/internal/cache"
	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/ffmpeg"
	"github.com/tecno-video/tecno/internal/h264"
	"github.com/tecno-video/tecno/internal/progress"
	"github.com/tecno-video/tecno/internal/render"
	"github.com/tecno-video/tecno/internal/subtitle"
)

// joinMeta is stored with a joined lesson.
type joinMeta struct {
	Duration float64      `json:"duration"`
	Frames   int          `json:"frames"`
	Chapters []chapterRef `json:"chapters"`
	Cues     int          `json:"cues"`
}

type chapterRef struct {
	Scene string  `json:"scene"`
	Title string  `json:"title"`
	Start float64 `json:"start"`
	End   float64 `json:"end"`
}

// Output file kinds of a lesson.
var lessonOutputs = []struct{ kind, file, ext string }{
	{"mp4", "lesson.mp4", ".mp4"},
	{"srt", "lesson.srt", ".srt"},
	{"vtt", "lesson.vtt", ".vtt"},
	{"thumbnail", "lesson.png", ".png"},
}

func (b *builder) buildLesson(ctx context.Context, l *course.Lesson) (*LessonReport, error) {
	t0 := time.Now()
	jobs := make([]*sceneJob, len(l.Scenes))
	for i, s := range l.Scenes {
		jobs[i] = &sceneJob{lesson: l, scene: s, index: i}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg       sync.WaitGroup
		errOnce  sync.Once
		firstErr error
	)
	fail := func(err error) {
		errOnce.Do(func() { firstErr = err; cancel() })
	}
	for _, j := range jobs {
		b.emit(progress.Event{Type: progress.SceneStarted, Lesson: l.ID, Scene: j.scene.ID})
		wg.Add(2)
		go func(j *sceneJob) {
			defer wg.Done()
			if err := b.runNarration(ctx, j); err != nil {
				fail(err)
			}
		}(j)
		go func(j *sceneJob) {
			defer wg.Done()
			if err := b.runFrame(ctx, j); err != nil {
				fail(err)
			}
		}(j)
	}
	wg.Wait()
	lr := &LessonReport{ID: l.ID, Title: l.Title}
	for _, j := range jobs {
		lr.Scenes = append(lr.Scenes, SceneReport{ID: j.scene.ID, Stages: j.stages, Frames: j.timing.Frames,
			Seconds: float64(j.timing.Frames) / float64(b.video.FPS)})
	}
	if firstErr != nil {
		if ctx.Err() != nil && !errors.Is(firstErr, context.Canceled) {
			return lr, firstErr
		}
		return lr, firstErr
	}
	if err := b.join(ctx, l, jobs, lr); err != nil {
		return lr, err
	}
	lr.WallSeconds = round3(time.Since(t0).Seconds())
	return lr, nil
}

func (b *builder) joinKey(l *course.Lesson, jobs []*sceneJob) string {
	parts := []string{"join", joinVersion, b.ffver, jsonString(b.video), jsonString(b.audio),
		strconv.Itoa(b.opts.GOP), b.c.Title, b.c.Author, b.c.Language, l.Title}
	for _, j := range jobs {
		parts = append(parts, j.still.Key, j.audio.Key, j.frame.Key, chapterTitle(j))
	}
	return cache.Key(parts...)
}

func chapterTitle(j *sceneJob) string {
	s := j.scene
	for _, t := range []string{s.Title, s.Quote, s.Subtitle} {
		if t = strings.TrimSpace(t); t != "" {
			return firstLine(t)
		}
	}
	if len(s.Bullets) > 0 {
		return firstLine(s.Bullets[0].Text)
	}
	return fmt.Sprintf("Scene %d", j.index+1)
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if r := []rune(s); len(r) > 80 {
		s = string(r[:79]) + "…"
	}
	return s
}

func (b *builder) join(ctx context.Context, l *course.Lesson, jobs []*sceneJob, lr *LessonReport) error {
	t0 := time.Now()
	key := b.joinKey(l, jobs)
	e, err := b.opts.Cache.Get(key)
	if errors.Is(err, cache.ErrCorrupt) {
		b.warn(l.ID, "", fmt.Sprintf("join: %v; rebuilding", err))
		e, err = nil, nil
	}
	if err != nil {
		return err
	}
	cached := e != nil
	if !cached {
		release, err := b.acquire(ctx)
		if err != nil {
			return err
		}
		e, err = b.opts.Cache.Put(key, func(dir string) (any, error) { return b.mux(ctx, l, jobs, dir) })
		release()
		if err != nil {
			return err
		}
	}
	var jm joinMeta
	if err := e.DecodeMeta(&jm); err != nil {
		return err
	}
	outputs := map[string]string{}
	for _, o := range lessonOutputs {
		if _, ok := e.Files[o.file]; !ok {
			continue
		}
		dst := filepath.Join(b.out, l.ID+o.ext)
		if err := publish(e.Path(o.file), e.Files[o.file], dst); err != nil {
			return err
		}
		outputs[o.kind] = dst
	}
	secs := round3(time.Since(t0).Seconds())
	lr.Join = StageReport{Stage: StageJoin, Key: key[:16], Cached: cached, Seconds: secs}
	lr.Duration = jm.Duration
	lr.Outputs = outputs
	lr.Chapters = len(jm.Chapters)
	lr.Cues = jm.Cues
	b.emit(progress.Event{Type: progress.StageDone, Lesson: l.ID, Stage: StageJoin, Cached: progress.Bool(cached), Seconds: secs})
	b.emit(progress.Event{Type: progress.LessonDone, Lesson: l.ID, Outputs: outputs, Duration: jm.Duration})
	return nil
}

// mux writes the lesson's MP4, subtitles and thumbnail into dir.
func (b *builder) mux(ctx context.Context, l *course.Lesson, jobs []*sceneJob, dir string) (any, error) {
	fps := b.video.FPS
	stills := make([]*h264.Still, len(jobs))
	var (
		cues     []subtitle.Cue
		chapters []chapterRef
		frames   int
	)
	for i, j := range jobs {
		data, err := os.ReadFile(j.still.Path("still.h264"))
		if err != nil {
			return nil, err
		}
		st, err := h264.ParseStill(data)
		if err != nil {
			return nil, fmt.Errorf("scene %q: %w", j.scene.ID, err)
		}
		if i > 0 && !st.Compatible(stills[0]) {
			return nil, fmt.Errorf("scene %q: encoded picture does not match the lesson's stream parameters", j.scene.ID)
		}
		stills[i] = st
		start := float64(frames) / float64(fps)
		for _, c := range j.timing.Cues {
			cue := subtitle.Cue{Start: start + c.Start, End: start + c.End, Text: c.Text}
			for _, w := range j.timing.Words {
				if w.Start >= c.Start-1e-6 && w.End <= c.End+1e-6 {
					cue.Words = append(cue.Words, subtitle.Word{Start: start + w.Start, End: start + w.End, Text: w.Text})
				}
			}
			cues = append(cues, cue)
		}
		frames += j.timing.Frames
		chapters = append(chapters, chapterRef{Scene: j.scene.ID, Title: chapterTitle(j), Start: start, End: float64(frames) / float64(fps)})
	}
	duration := float64(frames) / float64(fps)
	cues, notes := subtitle.Layout(cues, subtitle.DefaultOptions())
	for _, n := range notes {
		b.warn(l.ID, "", "subtitles: "+n.String())
	}

	var srtPath string
	if len(cues) > 0 {
		srtPath = filepath.Join(dir, "lesson.srt")
		if err := writeWith(srtPath, func(w io.Writer) error { return subtitle.WriteSRT(w, cues) }); err != nil {
			return nil, err
		}
		if err := writeWith(filepath.Join(dir, "lesson.vtt"), func(w io.Writer) error { return subtitle.WriteVTT(w, cues) }); err != nil {
			return nil, err
		}
	}
	chapPath := filepath.Join(b.opts.Cache.Dir(), "tmp", "chapters-"+filepath.Base(dir)+".txt")
	if err := writeWith(chapPath, func(w io.Writer) error { return writeFFMetadata(w, b.c, l, chapters) }); err != nil {
		return nil, err
	}
	defer os.Remove(chapPath)

	// Video on stdin as IVF, audio on fd 3 as concatenated ADTS.
	vr, vw := io.Pipe()
	ar, aw, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer ar.Close()
	go func() {
		vw.CloseWithError(b.writeVideo(vw, stills, jobs))
	}()
	go func() {
		err := writeAudio(aw, jobs)
		aw.Close()
		_ = err // a short write surfaces as an ffmpeg error
	}()
	args := ffmpeg.MuxArgs(ffmpeg.Mux{Subtitles: srtPath, Chapters: chapPath, Language: iso6392(b.c.Language), Out: filepath.Join(dir, "lesson.mp4")})
	err = b.opts.FFmpeg.Run(ctx, ffmpeg.Cmd{Args: args, Stdin: vr, ExtraFiles: []*os.File{ar}})
	vr.CloseWithError(io.ErrClosedPipe)
	if err != nil {
		return nil, err
	}
	if err := b.thumbnail(jobs, filepath.Join(dir, "lesson.png")); err != nil {
		return nil, err
	}
	return joinMeta{Duration: duration, Frames: frames, Chapters: chapters, Cues: len(cues)}, nil
}

func (b *builder) writeVideo(w io.Writer, stills []*h264.Still, jobs []*sceneJob) error {
	bw := bufio.NewWriterSize(w, 256<<10)
	total := 0
	for _, j := range jobs {
		total += j.timing.Frames
	}
	ivf, err := h264.NewIVFWriter(bw, b.video.Width, b.video.Height, b.video.FPS, total)
	if err != nil {
		return err
	}
	for i, st := range stills {
		if err := st.WriteFrames(ivf, jobs[i].timing.Frames, b.opts.GOP); err != nil {
			return err
		}
	}
	return bw.Flush()
}

func writeAudio(w io.Writer, jobs []*sceneJob) error {
	for _, j := range jobs {
		f, err := os.Open(j.audio.Path("scene.aac"))
		if err != nil {
			return err
		}
		_, err = io.Copy(w, f)
		f.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// thumbnail scales the first scene's frame to 1280 pixels wide.
func (b *builder) thumbnail(jobs []*sceneJob, dst string) error {
	f, err := os.Open(jobs[0].frame.Path("frame.png"))
	if err != nil {
		return err
	}
	defer f.Close()
	src, _, err := image.Decode(f)
	if err != nil {
		return err
	}
	sb := src.Bounds()
	w := 1280
	if sb.Dx() < w {
		w = sb.Dx()
	}
	h := sb.Dy() * w / sb.Dx()
	dstImg := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.CatmullRom.Scale(dstImg, dstImg.Bounds(), src, sb, draw.Src, nil)
	return writeWith(dst, func(w io.Writer) error { return render.EncodePNG(w, dstImg) })
}

func writeWith(path string, fn func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(f)
	if err := fn(bw); err != nil {
		f.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// writeFFMetadata writes the lesson title, author and one chapter per scene.
func writeFFMetadata(w io.Writer, c *course.Course, l *course.Lesson, chapters []chapterRef) error {
	esc := func(s string) string {
		r := strings.NewReplacer(`\`, `\\`, "=", `\=`, ";", `\;`, "#", `\#`, "\n", `\`+"\n")
		return r.Replace(s)
	}
	fmt.Fprintln(w, ";FFMETADATA1")
	title := l.Title
	if title == "" {
		title = c.Title
	}
	fmt.Fprintf(w, "title=%s\n", esc(title))
	if c.Title != "" {
		fmt.Fprintf(w, "album=%s\n", esc(c.Title))
	}
	if c.Author != "" {
		fmt.Fprintf(w, "artist=%s\n", esc(c.Author))
	}
	for _, ch := range chapters {
		fmt.Fprintf(w, "\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=%d\nEND=%d\ntitle=%s\n",
			int64(ch.Start*1000+0.5), int64(ch.End*1000+0.5), esc(ch.Title))
	}
	return nil
}

// iso6392 maps a BCP 47 tag to the ISO 639-2/B code MP4 stores.
func iso6392(tag string) string {
	primary, _, _ := strings.Cut(strings.ToLower(tag), "-")
	codes := map[string]string{
		"en": "eng", "pt": "por", "es": "spa", "fr": "fre", "de": "ger", "it": "ita", "nl": "dut",
		"ja": "jpn", "zh": "chi", "ko": "kor", "ar": "ara", "ru": "rus", "hi": "hin", "id": "ind",
		"pl": "pol", "tr": "tur", "sv": "swe", "uk": "ukr", "cs": "cze", "el": "gre", "he": "heb",
	}
	if c, ok := codes[primary]; ok {
		return c
	}
	return "und"
}
