package build

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/tecno-video/tecno/internal/cache"
	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/fault"
	"github.com/tecno-video/tecno/internal/ffmpeg"
	"github.com/tecno-video/tecno/internal/h264"
	"github.com/tecno-video/tecno/internal/render"
	"github.com/tecno-video/tecno/internal/transition"
	"github.com/tecno-video/tecno/internal/vp9"
)

// sceneVisual is one size variant of a scene's pictures.
type sceneVisual struct {
	frame  *cache.Entry // frame.png: the full slide
	states *cache.Entry // state-NNN.png: bullet reveal and burned-caption states
	enc    [2]encodedPics
}

// encodedPics are a size variant's pictures encoded with one codec.
type encodedPics struct {
	still  *cache.Entry // still.h264 / still.ivf; a video card's clip.h264 / clip.ivf
	states *cache.Entry // state-NNN.h264 / state-NNN.ivf
	trans  *cache.Entry // the entry transition: clip.h264 / clip.ivf
}

// encExt is the file extension of each codec's encoded pictures.
var encExt = [2]string{".h264", ".ivf"}

func stateFile(i int, ext string) string { return fmt.Sprintf("state-%03d%s", i, ext) }

// hasStates reports whether a scene shows more than one picture.
func (b *builder) hasStates(j *sceneJob) bool {
	return (j.scene.Reveal == course.RevealBullets && len(j.scene.Bullets) > 0) || b.burn(j.lesson)
}

func (b *builder) burn(l *course.Lesson) bool { return l.SubtitlesFor(b.c) == course.SubtitlesBurn }

// plan returns the scene's pictures over time, computed once its audio is
// known.
func (j *sceneJob) planStates(b *builder) {
	j.planOnce.Do(func() {
		if j.clip != "" {
			j.plan.runs = []run{{Pic: -1}}
			return
		}
		if !b.hasStates(j) {
			j.plan.runs = []run{{Pic: -1}}
			return
		}
		j.plan.states, j.plan.runs = pictureStates(j.scene, b.burn(j.lesson), j.timing, b.video.FPS)
	})
}

// overlay returns the render overlay every picture of the scene has: logo
// and lower third.
func (b *builder) overlay(j *sceneJob) render.Overlay {
	var o render.Overlay
	br := b.c.Branding
	if br.Logo != "" {
		o.Logo = &render.Logo{Path: b.c.Resolve(br.Logo), Position: br.LogoPosition, Margin: br.LogoMargin, Size: br.LogoSize, Opacity: br.LogoOpacity}
	}
	o.LowerThird = j.scene.LowerThirdText(b.c)
	return o
}

func (b *builder) logoHash(j *sceneJob) (string, error) {
	if b.c.Branding.Logo == "" {
		return "", nil
	}
	p := b.c.Resolve(b.c.Branding.Logo)
	f, err := cache.HashFile(p)
	if err != nil {
		e := fault.New(fault.Input, "cannot read logo %s: %v", b.c.Branding.Logo, unwrapPath(err))
		e.File = b.c.Path
		pos := b.c.PosOf("course.branding.logo")
		e.Line, e.Col = pos.Line, pos.Col
		return "", e
	}
	return f.SHA256, nil
}

// frameKeyFor hashes everything that can change a scene's full frame at
// size variant vi, and returns the render input it describes.
func (b *builder) frameKeyFor(j *sceneJob, tmpl *render.Template, vi int) (string, render.Input, error) {
	s := j.scene
	imgHash := ""
	if s.Image != "" {
		f, err := cache.HashFile(b.c.Resolve(s.Image))
		if err != nil {
			return "", render.Input{}, b.sceneError(j, "image", "cannot read image %s: %v", s.Image, err)
		}
		imgHash = f.SHA256
	}
	logo, err := b.logoHash(j)
	if err != nil {
		return "", render.Input{}, err
	}
	visual := *s
	visual.Narration, visual.NarrationAudio, visual.Notes, visual.Comments, visual.Status = "", "", "", nil, ""
	visual.PauseBefore, visual.PauseAfter, visual.MinDuration, visual.Voice, visual.ID = 0, 0, 0, nil, ""
	visual.Transition, visual.Reveal, visual.LowerThird = nil, "", ""
	v := b.sizes[vi].video
	in := render.Input{
		Scene: s, CourseTitle: b.c.Title, LessonTitle: j.lesson.Title,
		Width: v.Width, Height: v.Height, BaseDir: b.c.Dir, Language: b.c.Language,
		Overlay: b.overlay(j),
	}
	parts := []string{"frame", frameVersion, strconv.Itoa(render.Version), tmpl.Fingerprint(), jsonString(visual), imgHash,
		b.c.Title, j.lesson.Title, strconv.Itoa(in.Width), strconv.Itoa(in.Height), b.c.Language}
	if in.Overlay.Logo != nil || len(in.Overlay.LowerThird) > 0 {
		// Only with branding, so plain frames keep their keys.
		parts = append(parts, "overlay", jsonString(in.Overlay), logo)
	}
	return cache.Key(parts...), in, nil
}

// encodeKey hashes what changes an encoded picture set: the PNG files,
// the codec and the video settings.
func (b *builder) encodeKey(src *cache.Entry, files []string, codec int, v ffmpeg.Video) string {
	parts := []string{"still", stillVersion}
	for _, f := range files {
		parts = append(parts, src.Files[f].SHA256)
	}
	parts = append(parts, b.ffver, jsonString(v))
	if codec == vp9Codec {
		parts = append(parts, "vp9")
	}
	return cache.Key(parts...)
}

// encodePicture encodes one PNG as a still picture of the codec, written
// to dst. img, when not nil, holds the PNG's pixels already (the frame was
// just rendered). H.264 pictures reach the encoder as YUV converted here,
// so a picture encodes the same whether it came from memory or from the
// cache, and they are encoded in batches (batcher): the caller must not
// hold a worker slot.
func (b *builder) encodePicture(ctx context.Context, png, yuv string, codec int, v ffmpeg.Video, dst string) error {
	if codec == vp9Codec {
		release, err := b.acquire(ctx)
		if err != nil {
			return err
		}
		out, err := b.opts.FFmpeg.Output(ctx, ffmpeg.VP9StillArgs(png, v), nil)
		release()
		if err != nil {
			return err
		}
		if _, err := vp9.ParseStill(out); err != nil {
			return err
		}
		return os.WriteFile(dst, out, 0o644)
	}
	if yuv == "" {
		// Converted under a worker slot (the picture holds some 10 MB),
		// then it waits for an encoder batch without one.
		yuv = dst + ".yuv"
		defer os.Remove(yuv)
		if err := b.withSlot(ctx, func() error { return writeYUV(png, nil, v, yuv) }); err != nil {
			return err
		}
	}
	if err := b.stillBatcher(v).do(ctx, ffmpeg.RawStill{YUV: yuv, Out: dst}); err != nil {
		return err
	}
	out, err := os.ReadFile(dst)
	if err != nil {
		return err
	}
	_, err = h264.ParseStill(out)
	return err
}

// decodeFrame decodes an encoded still to raw YUV through the decode
// batcher (tmp is a scratch file, removed). The caller must not hold a
// worker slot.
func (b *builder) decodeFrame(ctx context.Context, in, tmp string) ([]byte, error) {
	defer os.Remove(tmp)
	if err := b.decodeQ.do(ctx, ffmpeg.FrameDecode{In: in, Out: tmp}); err != nil {
		return nil, err
	}
	return os.ReadFile(tmp)
}

// writeYUV writes a picture (img, else the PNG file png) as the planar
// YUV the still encoder reads.
func writeYUV(png string, img *image.RGBA, v ffmpeg.Video, dst string) error {
	if img == nil {
		var err error
		if img, err = loadRGBA(png); err != nil {
			return err
		}
	}
	if sz := img.Bounds().Size(); sz.X != v.Width || sz.Y != v.Height {
		return fmt.Errorf("%s is %dx%d, want %dx%d", png, sz.X, sz.Y, v.Width, v.Height)
	}
	return os.WriteFile(dst, render.YUV420(img), 0o644)
}

// encodePictures encodes several pictures at once (so that they share an
// ffmpeg process), into dir with the names dsts.
func (b *builder) encodePictures(ctx context.Context, pngs, dsts []string, codec int, v ffmpeg.Video) error {
	errs := make([]error, len(pngs))
	var wg sync.WaitGroup
	for i := range pngs {
		wg.Go(func() { errs[i] = b.encodePicture(ctx, pngs[i], "", codec, v, dsts[i]) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// runVisual renders a scene at size variant vi and encodes its pictures:
// the full frame, then (once the narration's timing is known) its reveal
// and caption states.
func (b *builder) runVisual(ctx context.Context, j *sceneJob, vi int) error {
	if j.clip != "" {
		return b.runClipVideo(ctx, j, vi)
	}
	s := j.scene
	v := b.sizes[vi].video
	vis := j.vis[vi]
	tmpl, err := b.tmpls.get(s.TemplateFor(j.lesson, b.c))
	if err != nil {
		return b.sceneError(j, "template", "%v", err)
	}
	key, in, err := b.frameKeyFor(j, tmpl, vi)
	if err != nil {
		return err
	}
	var (
		cached   bool
		rendered string // the frame as YUV, when rendered now (a file outside the entry)
	)
	vis.frame, cached, err = b.stage(ctx, j, b.stageName(StageFrame, vi, h264Codec), key, func(dir string) (any, error) {
		img, warnings, err := b.renderPNG(j, tmpl, in, filepath.Join(dir, "frame.png"), vi == 0)
		if err != nil {
			return nil, err
		}
		// The still encoder's input, made while the pixels are at hand:
		// stills wait for a batch, and a long course must not keep every
		// frame's 8 MB in memory meanwhile.
		yuv := filepath.Join(b.opts.Cache.Dir(), "tmp", "frame-"+filepath.Base(dir)+".yuv")
		if err := writeYUV("", img, v, yuv); err != nil {
			return nil, err
		}
		rendered = yuv
		return warnings, nil
	})
	if rendered != "" {
		defer os.Remove(rendered)
	}
	if err != nil {
		return err
	}
	if vi == 0 {
		// Warnings of a cached frame are replayed so that every build shows them.
		var warnings []string
		if err := vis.frame.DecodeMeta(&warnings); err == nil && cached {
			for _, w := range warnings {
				b.warn(j.lesson.ID, s.ID, fmt.Sprintf("scene %q: %s", s.ID, w))
			}
		}
	}
	for _, c := range b.codecsFor(vi) {
		c := c
		vis.enc[c].still, _, err = b.stageSlot(ctx, j, b.stageName(StageStill, vi, c), b.encodeKey(vis.frame, []string{"frame.png"}, c, v), false,
			func(dir string) (any, error) {
				if rendered == "" {
					if err := vis.frame.Verify(); err != nil {
						return nil, err
					}
				}
				return nil, b.encodePicture(ctx, vis.frame.Path("frame.png"), rendered, c, v, filepath.Join(dir, "still"+encExt[c]))
			})
		if err != nil {
			return err
		}
	}
	if vi == 0 {
		j.frame, j.still = vis.frame, vis.enc[h264Codec].still
	}
	if !b.hasStates(j) {
		return nil
	}
	select {
	case <-j.narrDone:
	case <-ctx.Done():
		return ctx.Err()
	}
	if j.audio == nil {
		return nil // the narration failed; that error is the one reported
	}
	j.planStates(b)
	if len(j.plan.states) == 0 {
		return nil
	}
	skey := cache.Key("states", statesVersion, key, jsonString(j.plan.states))
	vis.states, _, err = b.stage(ctx, j, b.stageName(StageStates, vi, h264Codec), skey, func(dir string) (any, error) {
		for i, st := range j.plan.states {
			sin := in
			sin.Overlay.Caption = st.Caption
			if st.Shown >= 0 {
				sin.Overlay.Reveal, sin.Overlay.Bullets = true, st.Shown
			}
			if _, _, err := b.renderPNG(j, tmpl, sin, filepath.Join(dir, stateFile(i, ".png")), false); err != nil {
				return nil, err
			}
		}
		return nil, nil
	})
	if err != nil {
		return err
	}
	pngs := make([]string, len(j.plan.states))
	for i := range pngs {
		pngs[i] = stateFile(i, ".png")
	}
	for _, c := range b.codecsFor(vi) {
		c := c
		vis.enc[c].states, _, err = b.stageSlot(ctx, j, b.stageName(StageStateStills, vi, c), b.encodeKey(vis.states, pngs, c, v), false,
			func(dir string) (any, error) {
				if err := vis.states.Verify(); err != nil {
					return nil, err
				}
				srcs := make([]string, len(pngs))
				dsts := make([]string, len(pngs))
				for i, p := range pngs {
					srcs[i], dsts[i] = vis.states.Path(p), filepath.Join(dir, stateFile(i, encExt[c]))
				}
				return nil, b.encodePictures(ctx, srcs, dsts, c, v)
			})
		if err != nil {
			return err
		}
	}
	return nil
}

// renderPNG renders one picture to path; it returns the picture and the
// layout warnings (reported when report is set).
func (b *builder) renderPNG(j *sceneJob, tmpl *render.Template, in render.Input, path string, report bool) (*image.RGBA, []string, error) {
	img, warnings, err := tmpl.Render(in)
	if err != nil {
		return nil, nil, b.sceneError(j, "layout", "%v", err)
	}
	if report {
		for _, w := range warnings {
			b.warn(j.lesson.ID, j.scene.ID, fmt.Sprintf("scene %q: %s", j.scene.ID, w))
		}
	}
	if err := writeWith(path, func(w io.Writer) error { return render.EncodePNG(w, img) }); err != nil {
		return nil, nil, err
	}
	return toRGBA(img), warnings, nil
}

// loadRGBA decodes a PNG file.
func loadRGBA(path string) (*image.RGBA, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, err := png.Decode(bufio.NewReaderSize(f, 1<<16))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return toRGBA(img), nil
}

// toRGBA returns img as *image.RGBA, converting only when it is another
// type.
func toRGBA(img image.Image) *image.RGBA {
	if r, ok := img.(*image.RGBA); ok {
		return r
	}
	r := image.NewRGBA(image.Rect(0, 0, img.Bounds().Dx(), img.Bounds().Dy()))
	draw.Draw(r, r.Bounds(), img, img.Bounds().Min, draw.Src)
	return r
}

// picturePNG returns the PNG of picture pic (-1: the full frame) of a
// scene's size variant, with its content hash.
func (vis *sceneVisual) picturePNG(pic int) (string, string) {
	if pic < 0 {
		return vis.frame.Path("frame.png"), vis.frame.Files["frame.png"].SHA256
	}
	name := stateFile(pic, ".png")
	return vis.states.Path(name), vis.states.Files[name].SHA256
}

// pictureFile returns the encoded picture pic (-1: the full frame) and an
// id for join keys.
func (vis *sceneVisual) pictureFile(pic, codec int) (string, string) {
	e := &vis.enc[codec] // a pointer: another goroutine may set e.trans meanwhile
	if pic < 0 {
		name := "still" + encExt[codec]
		return e.still.Path(name), e.still.Key + "/" + name
	}
	name := stateFile(pic, encExt[codec])
	return e.states.Path(name), e.states.Key + "/" + name
}

// planTransitions sets each scene's entry transition once every scene's
// length is known: none for the first scene, next to a video card, or when
// the scene is too short to hold it.
func (b *builder) planTransitions(jobs []*sceneJob) {
	for i, j := range jobs {
		j.planStates(b)
		j.plan.trans, j.plan.transFrames = course.Transition{Type: course.TransitionCut}, 0
		// A scene with a presenter is one clip: it starts and ends with a cut.
		if i == 0 || j.clip != "" || jobs[i-1].clip != "" || b.hasAvatar(j) || b.hasAvatar(jobs[i-1]) {
			continue
		}
		tr := j.scene.TransitionFor(j.lesson, b.c)
		if tr.Type == course.TransitionCut {
			continue
		}
		n := int(math.Round(tr.Duration * float64(b.video.FPS)))
		n = min(n, j.timing.Frames-1)
		if n < 1 {
			continue
		}
		j.plan.trans, j.plan.transFrames = tr, n
	}
}

// pictureAt returns the picture a scene shows at frame f.
func (p *scenePlan) pictureAt(f int) int {
	pic := -1
	for _, r := range p.runs {
		if r.Start <= f {
			pic = r.Pic
		}
	}
	return pic
}

// runTransition encodes scene j's entry transition for size variant vi
// and codec c: from the last picture of the scene before to the picture j
// shows when the transition ends. The frames are drawn in Go (package
// transition) between the two H.264 stills as decoded, and piped raw to
// the encoder.
func (b *builder) runTransition(ctx context.Context, prev, j *sceneJob, vi, c int) error {
	n := j.plan.transFrames
	if n == 0 {
		return nil
	}
	v := b.sizes[vi].video
	pv, jv := prev.vis[vi], j.vis[vi]
	fromPic := prev.plan.runs[len(prev.plan.runs)-1].Pic
	toPic := j.plan.pictureAt(n)
	_, fromHash := pv.picturePNG(fromPic)
	_, toHash := jv.picturePNG(toPic)
	from, _ := pv.pictureFile(fromPic, h264Codec)
	to, _ := jv.pictureFile(toPic, h264Codec)
	kind := j.plan.trans.Type
	key := cache.Key("transition", transitionVersion, b.ffver, jsonString(v), codecs[c], kind, strconv.Itoa(n), fromHash, toHash)
	var err error
	// The two ends are decoded in batches with other transitions' (no
	// worker slot held meanwhile), then the frames are drawn and encoded
	// under a slot. transSem bounds the transitions holding decoded ends.
	jv.enc[c].trans, _, err = b.stageSlot(ctx, j, b.stageName(StageTransition, vi, c), key, false, func(dir string) (any, error) {
		if err := b.verify(from, to); err != nil {
			return nil, err
		}
		select {
		case b.transSem <- struct{}{}:
			defer func() { <-b.transSem }()
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		var (
			ends [2]transition.Frame
			errs [2]error
			wg   sync.WaitGroup
		)
		for i, p := range []string{from, to} {
			wg.Go(func() {
				pix, err := b.decodeFrame(ctx, p, filepath.Join(dir, fmt.Sprintf("end-%d.yuv", i)))
				if err == nil && len(pix) != transition.Size(v.Width, v.Height) {
					err = fmt.Errorf("transition: %s decodes to %d bytes, not a %dx%d picture", p, len(pix), v.Width, v.Height)
				}
				ends[i], errs[i] = transition.Frame{W: v.Width, H: v.Height, Pix: pix}, err
			})
		}
		wg.Wait()
		if err := errors.Join(errs[:]...); err != nil {
			return nil, err
		}
		release, err := b.acquire(ctx)
		if err != nil {
			return nil, err
		}
		defer release()
		encode := func(t ffmpeg.Transition) ([]byte, error) {
			pr, pw := io.Pipe()
			go func() {
				pw.CloseWithError(transition.Frames(ends[0], ends[1], kind, n, func(px []byte) error {
					_, err := pw.Write(px)
					return err
				}))
			}()
			var out bytes.Buffer
			err := b.opts.FFmpeg.Run(ctx, ffmpeg.Cmd{Args: ffmpeg.TransitionArgs(t, v), Stdin: pr, Stdout: &out, Background: true})
			pr.CloseWithError(io.ErrClosedPipe)
			return out.Bytes(), err
		}
		t := ffmpeg.Transition{Frames: n, Codec: codecs[c]}
		if c == vp9Codec {
			out, err := encode(t)
			if err != nil {
				return nil, err
			}
			clip, err := vp9.ParseClip(out)
			if err != nil {
				return nil, err
			}
			if clip.Frames() != n {
				return nil, fmt.Errorf("transition: %d frames encoded, %d wanted", clip.Frames(), n)
			}
			return nil, os.WriteFile(filepath.Join(dir, "clip.ivf"), out, 0o644)
		}
		refData, err := os.ReadFile(to)
		if err != nil {
			return nil, err
		}
		refStill, err := h264.ParseStill(refData)
		if err != nil {
			return nil, err
		}
		// A fast preset first; the stills' own preset when this x264
		// writes other parameter sets with it.
		for _, try := range []struct{ preset, params string }{{ffmpeg.FastClipPreset, ffmpeg.FastClipParams}, {v.Preset, ""}} {
			t.Preset, t.ExtraParams = try.preset, try.params
			out, err := encode(t)
			if err != nil {
				return nil, err
			}
			clip, err := h264.ParseClip(out)
			if err != nil {
				return nil, err
			}
			if clip.Frames() != n {
				return nil, fmt.Errorf("transition: %d frames encoded, %d wanted", clip.Frames(), n)
			}
			if clip.Compatible(refStill) {
				return nil, os.WriteFile(filepath.Join(dir, "clip.h264"), out, 0o644)
			}
		}
		return nil, fmt.Errorf("transition: x264 gives the transition frames other parameter sets than the stills")
	})
	return err
}
