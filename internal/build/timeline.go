package build

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/tecno-video/tecno/internal/cache"
	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/ffmpeg"
	"github.com/tecno-video/tecno/internal/h264"
	"github.com/tecno-video/tecno/internal/progress"
	"github.com/tecno-video/tecno/internal/subtitle"
	"github.com/tecno-video/tecno/internal/vp9"
)

// videoPiece is a run of a lesson's video: an encoded still shown for
// Frames frames, or the first Frames pictures of an encoded clip. Every
// piece starts with a key frame, so pieces join by stream copy.
type videoPiece struct {
	file   string
	ID     string `json:"id"` // the entry key and file name: names the bytes
	Frames int    `json:"frames"`
	Clip   bool   `json:"clip,omitempty"`
}

// videoPieces lays out a lesson's video for size variant vi and codec c:
// per scene, its entry transition, then its pictures as the plan says.
func (b *builder) videoPieces(jobs []*sceneJob, vi, c int) []videoPiece {
	var out []videoPiece
	add := func(p videoPiece) {
		if n := len(out); n > 0 && !p.Clip && !out[n-1].Clip && out[n-1].ID == p.ID {
			out[n-1].Frames += p.Frames
			return
		}
		out = append(out, p)
	}
	for _, j := range jobs {
		vis := j.vis[vi]
		name := "clip" + encExt[c]
		if p, ok := b.pipPiece(j, vi, c); ok {
			add(p)
			continue
		}
		if j.clip != "" {
			e := vis.enc[c].still
			add(videoPiece{file: e.Path(name), ID: e.Key + "/" + name, Frames: j.timing.Frames, Clip: true})
			continue
		}
		n := 0
		if t := vis.enc[c].trans; t != nil && j.plan.transFrames > 0 {
			n = j.plan.transFrames
			add(videoPiece{file: t.Path(name), ID: t.Key + "/" + name, Frames: n, Clip: true})
		}
		for k, r := range j.plan.runs {
			start, end := max(r.Start, n), j.timing.Frames
			if k+1 < len(j.plan.runs) {
				end = j.plan.runs[k+1].Start
			}
			if end <= start {
				continue
			}
			file, id := vis.pictureFile(r.Pic, c)
			add(videoPiece{file: file, ID: id, Frames: end - start})
		}
	}
	return out
}

// timeline is a lesson's (or the course's) frame count, subtitles and
// chapters.
type timeline struct {
	frames   int
	cues     []subtitle.Cue
	notes    []subtitle.Note
	chapters []chapterRef
}

// lessonTimeline places each scene's cues and chapter on the lesson's
// clock.
func (b *builder) lessonTimeline(jobs []*sceneJob) timeline {
	fps := b.video.FPS
	var tl timeline
	var cues []subtitle.Cue
	for _, j := range jobs {
		start := float64(tl.frames) / float64(fps)
		for _, c := range j.timing.Cues {
			cue := subtitle.Cue{Start: start + c.Start, End: start + c.End, Text: c.Text}
			for _, w := range j.timing.Words {
				if w.Start >= c.Start-1e-6 && w.End <= c.End+1e-6 {
					cue.Words = append(cue.Words, subtitle.Word{Start: start + w.Start, End: start + w.End, Text: w.Text})
				}
			}
			cues = append(cues, cue)
		}
		tl.frames += j.timing.Frames
		tl.chapters = append(tl.chapters, chapterRef{Scene: j.scene.ID, Title: chapterTitle(j), Start: start, End: float64(tl.frames) / float64(fps)})
	}
	tl.cues, tl.notes = subtitle.Layout(cues, subtitle.DefaultOptions())
	return tl
}

// writeVideo writes pieces as an IVF stream of the codec.
func (b *builder) writeVideo(w io.Writer, pieces []videoPiece, c int, v ffmpeg.Video) error {
	bw := bufio.NewWriterSize(w, 256<<10)
	total := 0
	for _, p := range pieces {
		total += p.Frames
	}
	fourcc := "H264"
	if c == vp9Codec {
		fourcc = "VP90"
	}
	ivf, err := h264.NewIVFWriterCodec(bw, fourcc, v.Width, v.Height, v.FPS, total)
	if err != nil {
		return err
	}
	if err := b.accessUnits(pieces, c, v, func(au []byte) error {
		_, err := ivf.Write(au)
		return err
	}); err != nil {
		return err
	}
	return bw.Flush()
}

// accessUnits passes each picture of the pieces, in order, to fn (which
// must not keep it), checking that every piece shares the first one's
// stream parameters. Pieces are read one at a time, so memory does not
// grow with the lesson.
func (b *builder) accessUnits(pieces []videoPiece, c int, v ffmpeg.Video, fn func(au []byte) error) error {
	w := auWriter(fn)
	var (
		ref264 *h264.Still
		ref9   *vp9.Still
	)
	mismatch := func(p videoPiece) error {
		return fmt.Errorf("%s: encoded picture does not match the lesson's stream parameters", p.ID)
	}
	for _, p := range pieces {
		data, err := os.ReadFile(p.file)
		if err != nil {
			return err
		}
		var werr error // what writing the piece's pictures returned
		switch {
		case c == vp9Codec && p.Clip:
			clip, err := vp9.ParseClip(data)
			if err != nil {
				return fmt.Errorf("%s: %w", p.ID, err)
			}
			if ref9 != nil && !clip.Compatible(ref9) {
				return mismatch(p)
			}
			werr = clip.WriteFrames(w, p.Frames)
		case c == vp9Codec:
			st, err := vp9.ParseStill(data)
			if err != nil {
				return fmt.Errorf("%s: %w", p.ID, err)
			}
			if ref9 == nil {
				ref9 = st
			} else if !st.Compatible(ref9) {
				return mismatch(p)
			}
			werr = st.WriteFrames(w, p.Frames, b.opts.GOP)
		case p.Clip:
			clip, err := h264.ParseClip(data)
			if err != nil {
				return fmt.Errorf("%s: %w", p.ID, err)
			}
			if ref264 == nil {
				if ref264, err = h264.ParseStill(clip.AccessUnit(0)); err != nil {
					return err
				}
			} else if !clip.Compatible(ref264) {
				return mismatch(p)
			}
			werr = clip.WriteFrames(w, p.Frames)
		default:
			st, err := h264.ParseStill(data)
			if err != nil {
				return fmt.Errorf("%s: %w", p.ID, err)
			}
			if ref264 == nil {
				ref264 = st
			} else if !st.Compatible(ref264) {
				return mismatch(p)
			}
			werr = st.WriteFrames(w, p.Frames, b.opts.GOP)
		}
		if werr != nil {
			return werr
		}
	}
	return nil
}

// auWriter adapts a function to the one-Write-per-picture writers of
// packages h264 and vp9.
type auWriter func(au []byte) error

func (f auWriter) Write(p []byte) (int, error) {
	if err := f(p); err != nil {
		return 0, err
	}
	return len(p), nil
}

// muxIO runs one mux: video pieces as IVF on stdin (none when pieces is
// nil), the audio files concatenated as ADTS on fd 3.
func (b *builder) muxIO(ctx context.Context, args []string, pieces []videoPiece, c int, v ffmpeg.Video, audio []string) error {
	if err := b.verifyJoin(pieces, audio); err != nil {
		return err
	}
	ar, aw, err := os.Pipe()
	if err != nil {
		return err
	}
	defer ar.Close()
	go func() {
		err := writeAudio(aw, audio)
		aw.Close()
		_ = err // a short write surfaces as an ffmpeg error
	}()
	cmd := ffmpeg.Cmd{Args: args, ExtraFiles: []*os.File{ar}}
	var (
		vr   *io.PipeReader
		vErr = make(chan error, 1)
	)
	if pieces != nil {
		var vw *io.PipeWriter
		vr, vw = io.Pipe()
		go func() {
			err := b.writeVideo(vw, pieces, c, v)
			vw.CloseWithError(err)
			vErr <- err
		}()
		cmd.Stdin = vr
	} else {
		vErr <- nil
	}
	err = b.opts.FFmpeg.Run(ctx, cmd)
	if vr != nil {
		vr.CloseWithError(io.ErrClosedPipe)
	}
	// A failure to write the video explains ffmpeg's own better.
	if werr := <-vErr; err != nil && werr != nil && !errors.Is(werr, io.ErrClosedPipe) {
		return werr
	}
	return err
}

// joinSpec is one output a lesson is joined into.
type joinSpec struct {
	stage string // report name
	kind  string // mp4, webm, m4a
	vi    int
	codec int
}

func (b *builder) joinSpecs() []joinSpec {
	specs := []joinSpec{{StageJoin, "mp4", 0, h264Codec}}
	for vi := 1; vi < len(b.sizes); vi++ {
		specs = append(specs, joinSpec{b.stageName(StageJoin, vi, h264Codec), "mp4", vi, h264Codec})
	}
	if b.webm {
		specs = append(specs, joinSpec{StageJoin + "-webm", "webm", 0, vp9Codec})
	}
	if b.audioOnly {
		specs = append(specs, joinSpec{StageJoin + "-m4a", "m4a", 0, h264Codec})
	}
	return specs
}

// lessonAudio returns the audio files of a lesson (the mix, or the scene
// segments) and ids naming their bytes.
func lessonAudio(jobs []*sceneJob, mix *cache.Entry) (files, ids []string) {
	if mix != nil {
		return []string{mix.Path("lesson.aac")}, []string{mix.Key}
	}
	for _, j := range jobs {
		files = append(files, j.audio.Path("scene.aac"))
		ids = append(ids, j.audio.Key)
	}
	return files, ids
}

// lessonResult keeps what the course join needs of a built lesson.
type lessonResult struct {
	l        *course.Lesson
	pieces   []videoPiece
	audio    []string
	key      string
	tl       timeline
	soft     bool
	duration float64
}

// join writes the lesson's outputs: the main MP4 with its subtitles and
// thumbnail, MP4s of the other sizes, the WebM and the M4A.
func (b *builder) join(ctx context.Context, l *course.Lesson, jobs []*sceneJob, lr *LessonReport, mix *cache.Entry) error {
	tl := b.lessonTimeline(jobs)
	audio, audioIDs := lessonAudio(jobs, mix)
	soft := !b.burn(l)
	trs, err := b.translations(l)
	if err != nil {
		return err
	}
	outputs := map[string]string{}
	for _, spec := range b.joinSpecs() {
		v := b.sizes[spec.vi].video
		var pieces []videoPiece
		if spec.kind != "m4a" {
			pieces = b.videoPieces(jobs, spec.vi, spec.codec)
		}
		key := cache.Key("join", joinVersion, spec.kind, b.ffver, jsonString(v), codecs[spec.codec], jsonString(b.audio),
			strconv.Itoa(b.opts.GOP), b.c.Title, b.c.Author, b.c.Language, l.Title, strconv.FormatBool(soft),
			jsonString(pieces), jsonString(audioIDs), jsonString(tl.chapters), jsonString(tl.cues), jsonString(trs))
		t0 := time.Now()
		e, cached, err := b.cachedJoin(ctx, l.ID, key, func(dir string) (any, error) {
			return b.muxLesson(ctx, l, spec, tl, trs, pieces, audio, soft, jobs, dir)
		})
		if err != nil {
			return err
		}
		secs := round3(time.Since(t0).Seconds())
		sr := StageReport{Stage: spec.stage, Key: key[:16], Cached: cached, Seconds: secs}
		if spec.stage == StageJoin {
			lr.Join = sr
			var jm joinMeta
			if err := e.DecodeMeta(&jm); err != nil {
				return err
			}
			lr.Duration, lr.Chapters, lr.Cues = jm.Duration, len(jm.Chapters), jm.Cues
			b.results = append(b.results, lessonResult{l: l, pieces: pieces, audio: audio, key: key, tl: tl, soft: soft, duration: jm.Duration})
		} else {
			b.reportMu.Lock()
			lr.Stages = append(lr.Stages, sr)
			b.reportMu.Unlock()
		}
		for name := range e.Files {
			kind, dst := b.outputName(l.ID, spec, name)
			if kind == "" {
				continue
			}
			if err := publish(e, name, dst); err != nil {
				return err
			}
			outputs[kind] = dst
		}
		b.emit(progress.Event{Type: progress.StageDone, Lesson: l.ID, Stage: spec.stage, Cached: progress.Bool(cached), Seconds: secs})
	}
	lr.Outputs = outputs
	b.emit(progress.Event{Type: progress.LessonDone, Lesson: l.ID, Outputs: outputs, Duration: lr.Duration})
	return nil
}

// outputName returns the report kind and published path of a joined file.
func (b *builder) outputName(id string, spec joinSpec, file string) (string, string) {
	ext := filepath.Ext(file)
	switch {
	case spec.kind == "mp4" && spec.vi == 0:
		for _, o := range lessonOutputs {
			if o.file == file {
				return o.kind, filepath.Join(b.out, id+o.ext)
			}
		}
		// A translation: lesson.<lang>.srt or .vtt.
		if rest, ok := strings.CutPrefix(file, "lesson."); ok && (ext == ".srt" || ext == ".vtt") {
			lang := strings.TrimSuffix(rest, ext)
			return strings.TrimPrefix(ext, ".") + "-" + lang, filepath.Join(b.out, id+"."+lang+ext)
		}
	case spec.kind == "mp4" && file == "lesson.mp4":
		p := b.sizes[spec.vi].preset
		return "mp4-" + p, filepath.Join(b.out, id+"-"+p+ext)
	case spec.kind == "webm" && file == "lesson.webm":
		return "webm", filepath.Join(b.out, id+ext)
	case spec.kind == "m4a" && file == "lesson.m4a":
		return "m4a", filepath.Join(b.out, id+ext)
	}
	return "", ""
}

// cachedJoin looks a join up and runs it on a miss, under a worker slot.
func (b *builder) cachedJoin(ctx context.Context, lesson, key string, fill func(dir string) (any, error)) (*cache.Entry, bool, error) {
	e, err := b.opts.Cache.Get(key)
	if errors.Is(err, cache.ErrCorrupt) {
		b.warn(lesson, "", fmt.Sprintf("join: %v; rebuilding", err))
		e, err = nil, nil
	}
	if err != nil {
		return nil, false, err
	}
	if e != nil {
		return e, true, nil
	}
	release, err := b.acquire(ctx)
	if err != nil {
		return nil, false, err
	}
	defer release()
	e, err = b.opts.Cache.Put(key, fill)
	return e, false, err
}

// muxLesson writes one output of a lesson into dir.
func (b *builder) muxLesson(ctx context.Context, l *course.Lesson, spec joinSpec, tl timeline, trs []translation, pieces []videoPiece, audio []string, soft bool, jobs []*sceneJob, dir string) (any, error) {
	main := spec.kind == "mp4" && spec.vi == 0
	if main {
		for _, n := range tl.notes {
			b.warn(l.ID, "", "subtitles: "+n.String())
		}
	}
	meta := joinMeta{Duration: float64(tl.frames) / float64(b.video.FPS), Frames: tl.frames, Chapters: tl.chapters, Cues: len(tl.cues)}
	tmp := filepath.Join(b.opts.Cache.Dir(), "tmp", "mux-"+filepath.Base(dir))
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	subDir := tmp
	if main {
		subDir = dir // the lesson's .srt and .vtt are outputs
	}
	var srt string
	if len(tl.cues) > 0 && (main || soft) {
		srt = filepath.Join(subDir, "lesson.srt")
		vtt := filepath.Join(subDir, "lesson.vtt")
		if err := writeWith(srt, func(w io.Writer) error { return subtitle.WriteSRT(w, tl.cues) }); err != nil {
			return nil, err
		}
		if err := writeWith(vtt, func(w io.Writer) error { return subtitle.WriteVTT(w, tl.cues) }); err != nil {
			return nil, err
		}
	}
	if !soft {
		srt = "" // burned into the picture: no subtitle track
	}
	// Translations: a track each (soft even when the main language is
	// burned in), and for the main output their .srt and .vtt files.
	var (
		tracks []ffmpeg.SubtitleTrack
		subs   []subTrack
	)
	lang := iso6392(b.c.Language)
	if srt != "" {
		subs = append(subs, subTrack{lang: lang, cues: tl.cues})
	}
	duration := float64(tl.frames) / float64(b.video.FPS)
	for _, tr := range trs {
		cues, cut := tr.fit(duration)
		if cut > 0 && main {
			b.warn(l.ID, "", fmt.Sprintf("translation %s: %d cues run past the end of the lesson (%.1f s); cut", tr.Lang, cut, duration))
		}
		if len(cues) == 0 {
			continue
		}
		p := filepath.Join(subDir, tr.srtName())
		if err := writeWith(p, func(w io.Writer) error { return subtitle.WriteSRT(w, cues) }); err != nil {
			return nil, err
		}
		if main {
			if err := writeWith(filepath.Join(dir, tr.vttName()), func(w io.Writer) error { return subtitle.WriteVTT(w, cues) }); err != nil {
				return nil, err
			}
		}
		tracks = append(tracks, ffmpeg.SubtitleTrack{File: p, Language: trackLanguage(tr.Lang)})
		subs = append(subs, subTrack{lang: trackLanguage(tr.Lang), cues: cues})
	}
	chapters := filepath.Join(tmp, "chapters.txt")
	if err := writeWith(chapters, func(w io.Writer) error { return writeFFMetadata(w, b.c, l, tl.chapters) }); err != nil {
		return nil, err
	}
	v := b.sizes[spec.vi].video
	var args []string
	switch spec.kind {
	case "mp4":
		err := b.writeMP4(ctx, mp4Out{path: filepath.Join(dir, "lesson.mp4"), pieces: pieces, codec: spec.codec, video: v,
			audio: audio, lang: lang, subs: subs, chapters: tl.chapters, tags: mp4Tags(b.c, l)})
		if err != nil {
			return nil, err
		}
	case "webm":
		args = ffmpeg.WebMArgs(ffmpeg.WebM{Subtitles: srt, Chapters: chapters, Language: lang, Out: filepath.Join(dir, "lesson.webm"), Tracks: tracks})
	case "m4a":
		args = ffmpeg.AudioOnlyArgs(chapters, lang, filepath.Join(dir, "lesson.m4a"))
	}
	if args != nil {
		if err := b.muxIO(ctx, args, pieces, spec.codec, v, audio); err != nil {
			return nil, err
		}
	}
	if spec.kind == "webm" {
		if err := blankMuxingApp(filepath.Join(dir, "lesson.webm")); err != nil {
			return nil, err
		}
	}
	if main {
		if err := b.thumbnail(jobs, filepath.Join(dir, "lesson.png")); err != nil {
			return nil, err
		}
	}
	return meta, nil
}

// blankMuxingApp blanks the tool names ffmpeg writes into a WebM even
// with +bitexact: "Lavf" as the segment's MuxingApp and WritingApp (near
// the start), and "Lavc <encoder>" as each re-encoded track's ENCODER tag
// (in the tags, near the end). An EBML string may be padded with zero
// bytes, so zeroing its bytes in place leaves a valid, empty string and
// every offset in the file unchanged.
func blankMuxingApp(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	const window = 64 << 10
	for _, at := range []int64{0, max(0, fi.Size()-window)} {
		buf := make([]byte, window)
		n, err := f.ReadAt(buf, at)
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		buf = buf[:n]
		for i := 0; i+3 < len(buf); i++ {
			var id bool
			switch {
			case buf[i] == 0x4d && buf[i+1] == 0x80, buf[i] == 0x57 && buf[i+1] == 0x41: // MuxingApp, WritingApp
				id = true
			case buf[i] == 0x44 && buf[i+1] == 0x87: // TagString
				id = true
			}
			size := int(buf[i+2]) &^ 0x80
			if !id || buf[i+2]&0x80 == 0 || i+3+size > len(buf) {
				continue
			}
			val := buf[i+3 : i+3+size]
			if !bytes.HasPrefix(val, []byte("Lavf")) && !bytes.HasPrefix(val, []byte("Lavc")) {
				continue
			}
			if _, err := f.WriteAt(make([]byte, size), at+int64(i+3)); err != nil {
				return err
			}
		}
	}
	return f.Close()
}
