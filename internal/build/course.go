package build

import (
	"context"
	"fmt"
	"html/template"
	"io"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tecno-video/tecno/internal/cache"
	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/progress"
	"github.com/tecno-video/tecno/internal/subtitle"
)

// courseName is the file name (without extension) of the whole-course
// video: "course", unless a lesson already has that id.
func (b *builder) courseName() string {
	for _, l := range b.c.Lessons {
		if l.ID == "course" {
			return "course-all"
		}
	}
	return "course"
}

// joinCourse writes the whole-course MP4 (every lesson, one chapter per
// lesson) by stream copy of the lessons' own pieces, with its subtitles.
//
// A course of one lesson gets none: it would repeat the lesson's video.
func (b *builder) joinCourse(ctx context.Context) error {
	if len(b.results) < 2 {
		return nil
	}
	t0 := time.Now()
	var (
		pieces []videoPiece
		audio  []string
		cues   []subtitle.Cue
		chaps  []chapterRef
		frames int
		keys   = []string{"course-join", joinVersion, b.ffver, b.c.Title, b.c.Author, b.c.Language}
	)
	fps := float64(b.video.FPS)
	for _, r := range b.results {
		start := float64(frames) / fps
		pieces = append(pieces, r.pieces...)
		audio = append(audio, r.audio...)
		if r.soft {
			for _, c := range r.tl.cues {
				c.Start += start
				c.End += start
				c.Words = nil
				cues = append(cues, c)
			}
		}
		frames += r.tl.frames
		chaps = append(chaps, chapterRef{Scene: r.l.ID, Title: firstOf(r.l.Title, r.l.ID), Start: start, End: float64(frames) / fps})
		keys = append(keys, r.key)
	}
	key := cache.Key(keys...)
	name := b.courseName()
	e, cached, err := b.cachedJoin(ctx, "", key, func(dir string) (any, error) {
		lang := iso6392(b.c.Language)
		var subs []subTrack
		if len(cues) > 0 {
			subs = append(subs, subTrack{lang: lang, cues: cues})
			if err := writeWith(filepath.Join(dir, "course.srt"), func(w io.Writer) error { return subtitle.WriteSRT(w, cues) }); err != nil {
				return nil, err
			}
			if err := writeWith(filepath.Join(dir, "course.vtt"), func(w io.Writer) error { return subtitle.WriteVTT(w, cues) }); err != nil {
				return nil, err
			}
		}
		err := b.writeMP4(ctx, mp4Out{path: filepath.Join(dir, "course.mp4"), pieces: pieces, codec: h264Codec, video: b.video,
			audio: audio, lang: lang, subs: subs, chapters: chaps, tags: mp4Tags(b.c, &course.Lesson{Title: b.c.Title})})
		if err != nil {
			return nil, err
		}
		return joinMeta{Duration: float64(frames) / fps, Frames: frames, Chapters: chaps, Cues: len(cues)}, nil
	})
	if err != nil {
		return err
	}
	secs := round3(time.Since(t0).Seconds())
	b.report.Stages = append(b.report.Stages, StageReport{Stage: StageJoin + "-course", Key: key[:16], Cached: cached, Seconds: secs})
	if b.report.Outputs == nil {
		b.report.Outputs = map[string]string{}
	}
	for file := range e.Files {
		dst := filepath.Join(b.out, name+filepath.Ext(file))
		if err := publish(e, file, dst); err != nil {
			return err
		}
		b.report.Outputs["course-"+strings.TrimPrefix(filepath.Ext(file), ".")] = dst
	}
	b.emit(progress.Event{Type: progress.StageDone, Stage: StageJoin + "-course", Cached: progress.Bool(cached), Seconds: secs})
	return nil
}

// indexPage is out/index.html: every lesson in a <video> element with its
// subtitles and a chapter list that seeks. Plain HTML, CSS and a few lines
// of JavaScript; nothing is loaded from elsewhere.
var indexPage = template.Must(template.New("index").Parse(`<!doctype html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
  :root { color-scheme: light dark; --fg: #1b1f24; --bg: #f6f7f9; --card: #fff; --muted: #5b6470; --accent: #2563eb; }
  @media (prefers-color-scheme: dark) { :root { --fg: #e8eaed; --bg: #111418; --card: #1b2027; --muted: #9aa4b1; --accent: #7aa7ff; } }
  body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
  header, main { max-width: 1040px; margin: 0 auto; padding: 24px; }
  h1 { margin: 0; font-size: 1.8rem; }
  header p { margin: 4px 0 0; color: var(--muted); }
  section { background: var(--card); border-radius: 12px; padding: 20px; margin-bottom: 24px; box-shadow: 0 1px 3px rgba(0,0,0,.08); }
  h2 { margin: 0 0 12px; font-size: 1.3rem; }
  video { width: 100%; max-height: 70vh; background: #000; border-radius: 8px; }
  ol.chapters { margin: 12px 0 0; padding-left: 1.4rem; columns: 2; column-gap: 32px; }
  ol.chapters li { break-inside: avoid; margin: 2px 0; }
  ol.chapters button { all: unset; cursor: pointer; color: var(--accent); }
  ol.chapters button:hover, ol.chapters button:focus-visible { text-decoration: underline; }
  ol.chapters .t { color: var(--muted); font-variant-numeric: tabular-nums; margin-left: 6px; font-size: .9em; }
  p.files { margin: 12px 0 0; color: var(--muted); font-size: .9em; }
  p.files a { color: inherit; margin-right: 12px; }
  @media (max-width: 640px) { ol.chapters { columns: 1; } }
</style>
</head>
<body>
<header>
  <h1>{{.Title}}</h1>
  {{if .Author}}<p>{{.Author}}</p>{{end}}
</header>
<main>
{{range .Videos}}
<section id="{{.ID}}">
  <h2>{{.Title}}</h2>
  <video controls preload="metadata" playsinline src="{{.Src}}"{{if .Poster}} poster="{{.Poster}}"{{end}}>
    {{range .Tracks}}<track kind="subtitles" src="{{.Src}}" srclang="{{.Lang}}" label="{{.Label}}"{{if .Default}} default{{end}}>
    {{end}}
  </video>
  {{if .Chapters}}<ol class="chapters">
    {{range .Chapters}}<li><button type="button" data-start="{{.Start}}">{{.Title}}</button><span class="t">{{.Clock}}</span></li>
    {{end}}</ol>{{end}}
  {{if .Files}}<p class="files">{{range .Files}}<a href="{{.Href}}" download>{{.Label}}</a>{{end}}</p>{{end}}
</section>
{{end}}
</main>
<script>
  for (const b of document.querySelectorAll("ol.chapters button")) {
    b.addEventListener("click", () => {
      const v = b.closest("section").querySelector("video");
      v.currentTime = parseFloat(b.dataset.start);
      v.play();
    });
  }
</script>
</body>
</html>
`))

type indexData struct {
	Title, Author, Lang, LangName string
	Videos                        []indexVideo
}

type indexVideo struct {
	ID, Title, Src, Poster string
	Tracks                 []indexTrack
	Chapters               []indexChapter
	Files                  []indexFile
}

type indexTrack struct {
	Src, Lang, Label string
	Default          bool
}

type indexChapter struct {
	Title, Clock string
	Start        string
}

type indexFile struct{ Href, Label string }

func clock(secs float64) string {
	s := int(secs + 0.5)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// languageNames labels the subtitle track in the player.
var languageNames = map[string]string{
	"en": "English", "pt": "Português", "es": "Español", "fr": "Français", "de": "Deutsch", "it": "Italiano",
	"nl": "Nederlands", "ja": "日本語", "zh": "中文", "ko": "한국어", "ru": "Русский", "pl": "Polski", "tr": "Türkçe",
}

// writeIndex writes out/index.html for the lessons this build made.
func (b *builder) writeIndex() error {
	langName := func(tag string) string {
		primary, _, _ := strings.Cut(tag, "-")
		if n := languageNames[strings.ToLower(primary)]; n != "" {
			return n
		}
		return tag
	}
	d := indexData{Title: firstOf(b.c.Title, "Lessons"), Author: b.c.Author, Lang: b.c.Language, LangName: langName(b.c.Language)}
	track := func(src, lang string, def bool) []indexTrack {
		if src == "" {
			return nil
		}
		return []indexTrack{{Src: src, Lang: lang, Label: langName(lang), Default: def}}
	}
	rel := func(p string) string {
		if p == "" {
			return ""
		}
		if r, err := filepath.Rel(b.out, p); err == nil {
			return filepath.ToSlash(r)
		}
		return filepath.Base(p)
	}
	files := func(outs map[string]string) []indexFile {
		var fs []indexFile
		for _, k := range []string{"webm", "m4a", "srt", "vtt"} {
			if p := outs[k]; p != "" {
				fs = append(fs, indexFile{Href: rel(p), Label: filepath.Base(p)})
			}
		}
		for _, s := range b.sizes[1:] {
			if p := outs["mp4-"+s.preset]; p != "" {
				fs = append(fs, indexFile{Href: rel(p), Label: filepath.Base(p)})
			}
		}
		return fs
	}
	if p := b.report.Outputs["course-mp4"]; p != "" && len(b.results) > 1 {
		v := indexVideo{ID: "whole-course", Title: d.Title, Src: rel(p), Tracks: track(rel(b.report.Outputs["course-vtt"]), b.c.Language, true)}
		at := 0.0
		for _, r := range b.results {
			v.Chapters = append(v.Chapters, indexChapter{Title: firstOf(r.l.Title, r.l.ID), Start: strconv.FormatFloat(at, 'f', 3, 64), Clock: clock(at)})
			at += r.duration
		}
		d.Videos = append(d.Videos, v)
	}
	for _, r := range b.results {
		var outs map[string]string
		for _, lr := range b.report.Lessons {
			if lr.ID == r.l.ID {
				outs = lr.Outputs
			}
		}
		v := indexVideo{ID: "lesson-" + r.l.ID, Title: firstOf(r.l.Title, r.l.ID), Src: rel(outs["mp4"]), Poster: rel(outs["thumbnail"]), Files: files(outs)}
		if r.soft {
			v.Tracks = track(rel(outs["vtt"]), b.c.Language, true)
		}
		for _, lang := range sortedLangs(r.l.Translations) {
			v.Tracks = append(v.Tracks, track(rel(outs["vtt-"+lang]), lang, len(v.Tracks) == 0)...)
		}
		for _, c := range r.tl.chapters {
			v.Chapters = append(v.Chapters, indexChapter{Title: c.Title, Start: strconv.FormatFloat(c.Start, 'f', 3, 64), Clock: clock(c.Start)})
		}
		d.Videos = append(d.Videos, v)
	}
	var sb strings.Builder
	if err := indexPage.Execute(&sb, d); err != nil {
		return err
	}
	dst := filepath.Join(b.out, "index.html")
	if err := writeFileAtomic(dst, []byte(sb.String())); err != nil {
		return err
	}
	if b.report.Outputs == nil {
		b.report.Outputs = map[string]string{}
	}
	b.report.Outputs["index"] = dst
	return nil
}

func sortedLangs(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
