package avatar

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/tecno-video/tecno/internal/avatar/did/didtest"
	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/fault"
	"github.com/tecno-video/tecno/internal/ffmpeg"
	"github.com/tecno-video/tecno/internal/h264"
	"github.com/tecno-video/tecno/internal/narrate"
	"github.com/tecno-video/tecno/internal/narrate/cloud/cloudtest"
	"github.com/tecno-video/tecno/internal/testtool"
)

func TestPlace(t *testing.T) {
	tests := []struct {
		pos  string
		size float64
		w, h int
		want Placement
	}{
		{"bottom-right", 0.3, 1920, 1080, Placement{X: 1920 - 43 - 324, Y: 1080 - 43 - 324, Size: 324}},
		{"bottom-left", 0.3, 1920, 1080, Placement{X: 43, Y: 1080 - 43 - 324, Size: 324}},
		{"top-right", 0.25, 640, 360, Placement{X: 640 - 14 - 90, Y: 14, Size: 90}},
		{"top-left", 0.4, 640, 360, Placement{X: 14, Y: 14, Size: 144}},
		{"", 0, 640, 360, Placement{X: 640 - 14 - 108, Y: 360 - 14 - 108, Size: 108}},
	}
	for _, tt := range tests {
		t.Run(tt.pos, func(t *testing.T) {
			got, err := Place(tt.w, tt.h, course.Avatar{Position: tt.pos, Size: tt.size})
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Place = %+v, want %+v", got, tt.want)
			}
			if got.Size%2 != 0 {
				t.Errorf("odd size %d", got.Size)
			}
		})
	}
	if _, err := Place(640, 360, course.Avatar{Size: 0.99}); err == nil {
		t.Error("a presenter taller than the frame fits")
	}
}

func TestMask(t *testing.T) {
	m := Mask(100, "circle")
	if m.GrayAt(50, 50).Y != 255 || m.GrayAt(0, 0).Y != 0 || m.GrayAt(99, 99).Y != 0 || m.GrayAt(50, 1).Y < 128 {
		t.Errorf("circle mask: centre %d corner %d top %d", m.GrayAt(50, 50).Y, m.GrayAt(0, 0).Y, m.GrayAt(50, 1).Y)
	}
	// Area close to π r².
	sum := 0.0
	for _, p := range m.Pix {
		sum += float64(p) / 255
	}
	if want := math.Pi * 50 * 50; math.Abs(sum-want) > 0.01*want {
		t.Errorf("circle area %.0f, want %.0f", sum, want)
	}
	r := Mask(10, "rect")
	for _, p := range r.Pix {
		if p != 255 {
			t.Fatal("rect mask is not opaque")
		}
	}
}

func TestLoudness(t *testing.T) {
	rate, fps := 24000, 30
	// Silence, then speech-like loud, then quiet: 1 s each.
	s := make([]int16, 3*rate)
	for i := rate; i < 2*rate; i++ {
		s[i] = int16(12000 * math.Sin(2*math.Pi*180*float64(i)/float64(rate)))
	}
	for i := 2 * rate; i < 3*rate; i++ {
		s[i] = int16(1500 * math.Sin(2*math.Pi*180*float64(i)/float64(rate)))
	}
	env := Loudness(s, rate, fps, 90)
	if len(env) != 90 {
		t.Fatalf("%d values", len(env))
	}
	if env[15] != 0 {
		t.Errorf("silence level %v", env[15])
	}
	if env[50] < 0.95 {
		t.Errorf("loud level %v", env[50])
	}
	if env[85] > 0.2 || env[85] <= 0 {
		t.Errorf("quiet level %v", env[85])
	}
	// Attack is faster than release.
	if env[31] < 0.5 || env[61] < 0.3 {
		t.Errorf("attack %v release %v", env[31], env[61])
	}
	for _, v := range env {
		if v < 0 || v > 1 {
			t.Fatalf("level %v out of range", v)
		}
	}
	if z := Loudness(make([]int16, rate), rate, fps, 30); z[10] != 0 {
		t.Error("silence moves the portrait")
	}
}

func TestSpeakingDiffersWithLevel(t *testing.T) {
	p := Figure(96)
	quiet, loud := Speaking(p, 0), Speaking(p, 1)
	if !bytes.Equal(quiet.Pix, p.Pix) {
		t.Error("level 0 changes the portrait")
	}
	diff := 0
	for i := range quiet.Pix {
		if quiet.Pix[i] != loud.Pix[i] {
			diff++
		}
	}
	if diff < len(quiet.Pix)/10 {
		t.Errorf("loud portrait differs in only %d of %d bytes", diff, len(quiet.Pix))
	}
}

func TestLoadPortrait(t *testing.T) {
	dir := t.TempDir()
	// A tall picture: red top third, blue below.
	img := image.NewRGBA(image.Rect(0, 0, 60, 120))
	for y := 0; y < 120; y++ {
		for x := 0; x < 60; x++ {
			c := color.RGBA{0, 0, 255, 255}
			if y < 40 {
				c = color.RGBA{255, 0, 0, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	path := filepath.Join(dir, "p.png")
	f, _ := os.Create(path)
	png.Encode(f, img)
	f.Close()
	p, err := LoadPortrait(path, 30)
	if err != nil {
		t.Fatal(err)
	}
	if p.Bounds().Dx() != 30 || p.Bounds().Dy() != 30 {
		t.Fatalf("size %v", p.Bounds())
	}
	// The crop starts a fifth of the extra height down: 12 px of 60, so
	// the red band covers the top (40-12)/60 of the square.
	if c := p.RGBAAt(15, 2); c.R < 200 || c.B > 50 {
		t.Errorf("top of the crop %v, want red", c)
	}
	if c := p.RGBAAt(15, 28); c.B < 200 {
		t.Errorf("bottom of the crop %v, want blue", c)
	}
	for _, tt := range []struct{ path, want string }{
		{filepath.Join(dir, "none.png"), "not found"},
		{"https://example.com/a.png", "not a URL"},
		{writeText(t, dir, "bad.png", "not a picture"), "PNG, JPEG or WebP"},
	} {
		_, err := LoadPortrait(tt.path, 30)
		if err == nil || !strings.Contains(err.Error()+strings.Join(hintsOf(err), " "), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.path, err, tt.want)
		}
	}
	if fig, err := LoadPortrait("", 40); err != nil || fig.Bounds().Dx() != 40 {
		t.Errorf("default figure: %v %v", fig.Bounds(), err)
	}
}

func writeText(t *testing.T, dir, name, text string) string {
	p := filepath.Join(dir, name)
	os.WriteFile(p, []byte(text), 0o644)
	return p
}

func hintsOf(err error) []string {
	var fe *fault.Error
	if errors.As(err, &fe) {
		return fe.Hints
	}
	return nil
}

func TestEncoderArgsMatchStill(t *testing.T) {
	v := ffmpeg.Video{Width: 640, Height: 360, FPS: 30, CRF: 20, Preset: "veryfast"}
	enc := EncoderArgs(ffmpeg.CodecH264, v, "", "")
	still := strings.Join(ffmpeg.StillArgs("frame.png", v), " ")
	if !strings.Contains(still, strings.Join(enc, " ")) {
		t.Errorf("encoder args %q are not those of StillArgs %q", enc, still)
	}
	for _, want := range []string{"cabac=0", "stitchable=1", "ref=1", "-bf 0", "-g"} {
		if !strings.Contains(strings.Join(enc, " "), want) {
			t.Errorf("encoder args lack %q", want)
		}
	}
}

func TestCompositeArgsGolden(t *testing.T) {
	v := ffmpeg.Video{Width: 640, Height: 360, FPS: 30, CRF: 20, Preset: "veryfast"}
	args := CompositeArgs(Composite{Background: []Picture{{PNG: "frame.png"}}, Clip: "talk.mp4", Mask: "mask.png",
		Place: Placement{X: 482, Y: 202, Size: 144}, Offset: 0.321, Frames: 120, Video: v, Out: "clip.h264"})
	rect := CompositeArgs(Composite{Background: []Picture{{PNG: "s0.png", Frames: 10}, {PNG: "s1.png", Frames: 5}, {PNG: "s2.png"}},
		Clip: "talk.mp4", Place: Placement{X: 14, Y: 14, Size: 90}, Frames: 30, Video: v, Codec: ffmpeg.CodecVP9, Out: "c.ivf"})
	fast := EncoderArgs(ffmpeg.CodecH264, v, "faster", ":chroma-qp-offset=-2")
	if j := strings.Join(fast, " "); !strings.Contains(j, "-preset faster") || !strings.Contains(j, "ref=1:chroma-qp-offset=-2") {
		t.Errorf("fast encoder args: %s", j)
	}
	cloudtest.Golden(t, "composite_args", []byte(strings.Join(args, "\n")+"\n\n"+strings.Join(rect, "\n")+"\n"))
}

// TestCompositeJoinsStills encodes a composite for real and checks what the
// lesson join relies on: the clip's parameter sets are byte-identical to
// a still's encoded with the same settings, it has exactly the frames
// asked for, and the presenter shows at its place.
func TestCompositeJoinsStills(t *testing.T) {
	ff := testtool.Require(t, "ffmpeg")
	dir := t.TempDir()
	v := ffmpeg.Video{Width: 640, Height: 360, FPS: 30, CRF: 20, Preset: "veryfast"}
	frame := filepath.Join(dir, "frame.png")
	writePNG(t, frame, solid(640, 360, color.RGBA{0xf0, 0xf0, 0xf0, 0xff}))
	clip := filepath.Join(dir, "talk.mp4")
	os.WriteFile(clip, didtest.Clip(t, ff, "0xff00ff"), 0o644)
	mask := filepath.Join(dir, "mask.png")
	place, err := Place(640, 360, course.Avatar{Position: "bottom-left", Size: 0.4})
	if err != nil {
		t.Fatal(err)
	}
	writePNG(t, mask, Mask(place.Size, "circle"))
	out := filepath.Join(dir, "clip.h264")
	r := &ffmpeg.Runner{FFmpeg: ff, FFprobe: "ffprobe"}
	ctx := context.Background()
	// A bullet reveal: the first 30 frames show another picture.
	first := filepath.Join(dir, "state-000.png")
	writePNG(t, first, solid(640, 360, color.RGBA{0x20, 0x40, 0xc0, 0xff}))
	if err := r.Run(ctx, ffmpeg.Cmd{Args: CompositeArgs(Composite{Background: []Picture{{PNG: first, Frames: 30}, {PNG: frame}},
		Clip: clip, Mask: mask, Place: place, Offset: 0.5, Frames: 75, Video: v, Out: out})}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(out)
	stillData, err := r.Output(ctx, ffmpeg.StillArgs(frame, v), nil)
	if err != nil {
		t.Fatal(err)
	}
	clipStill, err := h264.ParseStill(data)
	if err != nil {
		t.Fatalf("clip is not stitchable: %v", err)
	}
	still, err := h264.ParseStill(stillData)
	if err != nil {
		t.Fatal(err)
	}
	if !clipStill.Compatible(still) {
		t.Error("the clip's parameter sets differ from the still's")
	}
	if n := countPictures(data); n != 75 {
		t.Errorf("%d pictures, want 75", n)
	}
	// Decode frame 60 (2 s, the presenter talking) and look at the
	// middle of its place: the clip's magenta square; far away: the frame.
	img := decodeFrame(t, ff, out, 60)
	cx, cy := place.X+place.Size/2, place.Y+place.Size/2
	checkColour(t, img, cx, cy, color.RGBA{0xff, 0, 0xff, 0xff})
	checkColour(t, img, 600, 30, color.RGBA{0xf0, 0xf0, 0xf0, 0xff})
	// Just outside the circle, inside its square: the frame shows.
	checkColour(t, img, place.X+3, place.Y+3, color.RGBA{0xf0, 0xf0, 0xf0, 0xff})
	// Frame 10: the first picture of the reveal behind the presenter.
	early := decodeFrame(t, ff, out, 10)
	checkColour(t, early, 600, 30, color.RGBA{0x20, 0x40, 0xc0, 0xff})
	checkColour(t, early, cx, cy, color.RGBA{0xff, 0, 0xff, 0xff})
}

// decodeFrame decodes picture n of an Annex B H.264 file.
func decodeFrame(t *testing.T, ff, file string, n int) image.Image {
	t.Helper()
	png := filepath.Join(t.TempDir(), "f.png")
	cmd := exec.Command(ff, "-v", "error", "-f", "h264", "-i", file, "-vf", fmt.Sprintf("select=eq(n\\,%d)", n), "-frames:v", "1", png)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	return readPNG(t, png)
}

// countPictures counts the coded pictures (slices that start a picture)
// of an Annex B stream.
func countPictures(data []byte) int {
	n := 0
	for _, nal := range h264.SplitNALs(data) {
		if len(nal) > 1 && (nal[0]&0x1f == 1 || nal[0]&0x1f == 5) && nal[1]&0x80 != 0 {
			n++
		}
	}
	return n
}

func solid(w, h int, c color.RGBA) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, c.A
	}
	return img
}

func writePNG(t *testing.T, path string, img image.Image) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	f.Close()
}

func readPNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// checkColour compares the mean of a 9×9 block around (x, y) with want,
// allowing for YUV 4:2:0 and compression.
func checkColour(t *testing.T, img image.Image, x, y int, want color.RGBA) {
	t.Helper()
	var r, g, b, n float64
	for yy := y - 4; yy <= y+4; yy++ {
		for xx := x - 4; xx <= x+4; xx++ {
			cr, cg, cb, _ := img.At(xx, yy).RGBA()
			r, g, b, n = r+float64(cr>>8), g+float64(cg>>8), b+float64(cb>>8), n+1
		}
	}
	r, g, b = r/n, g/n, b/n
	if math.Abs(r-float64(want.R)) > 24 || math.Abs(g-float64(want.G)) > 24 || math.Abs(b-float64(want.B)) > 24 {
		t.Errorf("colour at (%d, %d) = (%.0f, %.0f, %.0f), want %v", x, y, r, g, b, want)
	}
}

func TestLocalRender(t *testing.T) {
	ff := testtool.Require(t, "ffmpeg")
	dir := t.TempDir()
	rate := 22050
	pcm := make([]int16, rate*3/2) // 1.5 s
	for i := rate / 2; i < len(pcm); i++ {
		pcm[i] = int16(10000 * math.Sin(2*math.Pi*150*float64(i)/float64(rate)) * (0.5 + 0.5*math.Sin(2*math.Pi*4*float64(i)/float64(rate))))
	}
	var wav bytes.Buffer
	narrate.EncodeWAV(&wav, narrate.Audio{Rate: rate, Samples: pcm})
	audio := filepath.Join(dir, "n.wav")
	os.WriteFile(audio, wav.Bytes(), 0o644)
	out := filepath.Join(dir, "talk.mp4")
	r := &ffmpeg.Runner{FFmpeg: ff, FFprobe: "ffprobe"}
	if err := (Local{FFmpeg: r}).Render(context.Background(), Request{Audio: audio, Size: 96, FPS: 30, Out: out}); err != nil {
		t.Fatal(err)
	}
	probe, err := r.ProbeFile(context.Background(), out)
	if err != nil {
		t.Fatal(err)
	}
	vs := probe.Stream("video")
	if vs == nil || vs.Width != 96 || vs.Height != 96 || vs.NbFrames != "45" {
		t.Fatalf("stream %+v", vs)
	}
	// The first half second is silent: those frames are the same picture;
	// the speaking ones move.
	frames := decodeGray(t, ff, out, 96)
	if len(frames) != 45 {
		t.Fatalf("%d frames", len(frames))
	}
	if d := meanDiff(frames[2], frames[10]); d > 1 {
		t.Errorf("silent frames differ by %.2f", d)
	}
	moved := 0.0
	for i := 16; i < 44; i++ {
		moved = math.Max(moved, meanDiff(frames[2], frames[i]))
	}
	if moved < 2 {
		t.Errorf("speaking frames differ from silent ones by at most %.2f", moved)
	}
}

func decodeGray(t *testing.T, ff, file string, side int) [][]byte {
	t.Helper()
	out, err := exec.Command(ff, "-v", "error", "-i", file, "-f", "rawvideo", "-pix_fmt", "gray", "pipe:1").Output()
	if err != nil {
		t.Fatal(err)
	}
	var frames [][]byte
	for len(out) >= side*side {
		frames = append(frames, out[:side*side])
		out = out[side*side:]
	}
	return frames
}

func meanDiff(a, b []byte) float64 {
	s := 0.0
	for i := range a {
		s += math.Abs(float64(a[i]) - float64(b[i]))
	}
	return s / float64(len(a))
}

func TestEstimate(t *testing.T) {
	c, err := course.Parse("course.yaml", []byte(`course:
  avatar: {provider: d-id, image: "https://example.com/a.jpg"}
lessons:
  - id: a
    scenes:
      - {id: s1, title: One, narration: "one two three"}
      - {id: s2, title: Two, narration: "four", avatar: {provider: local}}
      - {id: s3, title: Three}
      - {id: s4, title: Four, narration: "five", avatar: {provider: none}}
  - id: b
    scenes:
      - {id: s5, title: Five, narration: "six seven"}
`))
	if err != nil {
		t.Fatal(err)
	}
	speech := func(l *course.Lesson, s *course.Scene) (float64, bool) {
		if s.ID == "s1" {
			return 40, true
		}
		return SpeechSeconds(s.Words(), 1), false
	}
	got := Estimate(c, nil, speech)
	want := []ClipEstimate{
		{Provider: "d-id", Scenes: 2, Seconds: 40.8, Measured: 1, Credits: 4, CostUSD: 1.09},
		{Provider: "local", Scenes: 1, Seconds: 0.4},
	}
	for i := range got {
		got[i].Note = ""
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Estimate = %+v\nwant %+v", got, want)
	}
	if only := Estimate(c, []string{"b"}, speech); len(only) != 1 || only[0].Scenes != 1 || only[0].Credits != 1 {
		t.Errorf("lesson b: %+v", only)
	}
}

// BenchmarkComposite encodes a 5-second scene with a presenter at 720p,
// with x264's fast clip preset (as the build tries first) and with the
// stills' own. Reports frames encoded per second.
func BenchmarkComposite(b *testing.B) {
	ff := testtool.Require(b, "ffmpeg")
	dir := b.TempDir()
	v := ffmpeg.Video{Width: 1280, Height: 720, FPS: 30, CRF: 18, Preset: "slow"}
	frame := filepath.Join(dir, "frame.png")
	f, _ := os.Create(frame)
	png.Encode(f, solid(1280, 720, color.RGBA{0xf0, 0xf0, 0xf0, 0xff}))
	f.Close()
	clip := filepath.Join(dir, "talk.mp4")
	os.WriteFile(clip, didtest.Clip(b, ff, "0xff00ff"), 0o644)
	place, _ := Place(1280, 720, course.Avatar{Size: 0.3})
	mask := filepath.Join(dir, "mask.png")
	f, _ = os.Create(mask)
	png.Encode(f, Mask(place.Size, "circle"))
	f.Close()
	r := &ffmpeg.Runner{FFmpeg: ff, FFprobe: "ffprobe"}
	for _, tt := range []struct{ name, preset, params string }{{"fast", ffmpeg.FastClipPreset, ffmpeg.FastClipParams}, {"stills", "", ""}} {
		b.Run(tt.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				c := Composite{Background: []Picture{{PNG: frame}}, Clip: clip, Mask: mask, Place: place, Offset: 0.3,
					Frames: 150, Video: v, Preset: tt.preset, ExtraParams: tt.params, Out: filepath.Join(dir, "out.h264")}
				if err := r.Run(context.Background(), ffmpeg.Cmd{Args: CompositeArgs(c)}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(150*b.N)/b.Elapsed().Seconds(), "frames/s")
		})
	}
}
