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
	"strings"
	"sync"
	"time"

	"golang.org/x/image/draw"

	"github.com/tecno-video/tecno/internal/cache"
	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/mp4"
	"github.com/tecno-video/tecno/internal/progress"
	"github.com/tecno-video/tecno/internal/render"
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
	var jobs []*sceneJob
	intro, outro := b.cardJobs(l)
	if intro != nil {
		jobs = append(jobs, intro)
	}
	for i, s := range l.Scenes {
		jobs = append(jobs, &sceneJob{lesson: l, scene: s, index: i})
	}
	if outro != nil {
		jobs = append(jobs, outro)
	}
	for _, j := range jobs {
		j.narrDone = make(chan struct{})
		j.vis = make([]*sceneVisual, len(b.sizes))
		for vi := range j.vis {
			j.vis[vi] = &sceneVisual{}
		}
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
	run := func(f func() error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f(); err != nil {
				fail(err)
			}
		}()
	}
	lr := &LessonReport{ID: l.ID, Title: l.Title}
	// The music mix needs every scene's length, known once the narration
	// is done: it runs while the pictures are made.
	var mix *cache.Entry
	mixDone := make(chan error, 1)
	go func() {
		for _, j := range jobs {
			select {
			case <-j.narrDone:
			case <-ctx.Done():
				mixDone <- nil // the error that cancelled is reported
				return
			}
			if j.audio == nil {
				mixDone <- nil // a narration failed; that error is reported
				return
			}
		}
		var err error
		mix, err = b.runMusic(ctx, l, jobs, lr)
		mixDone <- err
	}()
	// Per scene, two chains side by side: narration → audio, and per
	// size frame → stills (then the reveal and caption pictures, once the
	// narration's timing is known).
	for _, j := range jobs {
		b.emit(progress.Event{Type: progress.SceneStarted, Lesson: l.ID, Scene: j.scene.ID})
		run(func() error {
			defer close(j.narrDone)
			if j.clip != "" {
				return b.runClipAudio(ctx, j)
			}
			return b.runNarration(ctx, j)
		})
		for vi := range b.sizes {
			run(func() error { return b.runVisual(ctx, j, vi) })
		}
		if b.hasAvatar(j) {
			run(func() error { return b.runTalk(ctx, j) })
		}
	}
	wg.Wait()
	// Transitions need every scene's length and pictures.
	if firstErr == nil {
		b.planTransitions(jobs)
		for i := 1; i < len(jobs); i++ {
			for vi := range b.sizes {
				for _, c := range b.codecsFor(vi) {
					prev, j := jobs[i-1], jobs[i]
					run(func() error { return b.runTransition(ctx, prev, j, vi, c) })
				}
			}
		}
		b.runAvatars(ctx, jobs, run)
		wg.Wait()
	}
	if err := <-mixDone; err != nil {
		fail(err)
	}
	for _, j := range jobs {
		lr.Scenes = append(lr.Scenes, SceneReport{ID: j.scene.ID, Stages: j.stages, Frames: j.timing.Frames,
			Seconds: float64(j.timing.Frames) / float64(b.video.FPS)})
	}
	if firstErr != nil {
		return lr, firstErr
	}
	if err := b.join(ctx, l, jobs, lr, mix); err != nil {
		return lr, err
	}
	lr.WallSeconds = round3(time.Since(t0).Seconds())
	return lr, nil
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

// thumbnail scales the first slide's frame to 1280 pixels wide. The
// picture is cached under the frame's hash, so rejoining a lesson after an
// edit elsewhere does not decode and scale the frame again.
func (b *builder) thumbnail(jobs []*sceneJob, dst string) error {
	var first *sceneJob
	for _, j := range jobs {
		if j.frame != nil && j.card == "" {
			first = j
			break
		}
	}
	if first == nil {
		return nil
	}
	key := cache.Key("thumbnail", thumbnailVersion, first.frame.Files["frame.png"].SHA256)
	e, err := b.opts.Cache.Get(key)
	if err == nil && e != nil {
		err = e.Verify()
	}
	if errors.Is(err, cache.ErrCorrupt) {
		e, err = nil, nil
	}
	if err != nil {
		return err
	}
	if e == nil {
		e, err = b.opts.Cache.Put(key, func(dir string) (any, error) {
			if err := first.frame.Verify(); err != nil {
				return nil, err
			}
			return nil, scaleThumbnail(first.frame.Path("frame.png"), filepath.Join(dir, "lesson.png"))
		})
		if err != nil {
			return err
		}
	}
	return copyFile(e.Path("lesson.png"), dst)
}

// scaleThumbnail writes the PNG at src scaled to at most 1280 pixels wide.
func scaleThumbnail(src, dst string) error {
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		return err
	}
	sb := img.Bounds()
	w := min(1280, sb.Dx())
	h := sb.Dy() * w / sb.Dx()
	dstImg := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.CatmullRom.Scale(dstImg, dstImg.Bounds(), img, sb, draw.Src, nil)
	return writeWith(dst, func(w io.Writer) error { return render.EncodePNG(w, dstImg) })
}

// copyFile copies src to a new file dst.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	return writeWith(dst, func(w io.Writer) error {
		_, err := io.Copy(w, in)
		return err
	})
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

// mp4Tags are the MP4 tags writeFFMetadata gives ffmpeg's outputs.
func mp4Tags(c *course.Course, l *course.Lesson) mp4.Tags {
	return mp4.Tags{Title: firstOf(l.Title, c.Title), Album: c.Title, Artist: c.Author}
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
