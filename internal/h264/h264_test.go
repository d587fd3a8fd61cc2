package h264

import (
	"bytes"
	"context"
	"crypto/md5"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tecno-video/tecno/internal/testtool"
)

// encodeStill renders a test picture and encodes it with x264 the way the
// build does (one CAVLC IDR frame).
func encodeStill(t *testing.T, ffmpeg string, w, h int, seed uint8, extra string) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x) + seed, uint8(y), uint8(x ^ y), 255})
		}
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "f.png")
	f, _ := os.Create(p)
	png.Encode(f, img)
	f.Close()
	params := "cabac=0:stitchable=1:weightp=0:ref=1" + extra
	out, err := exec.Command(ffmpeg, "-v", "error", "-framerate", "30", "-i", p, "-vf", "format=yuv420p",
		"-frames:v", "1", "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-bf", "0", "-g", "300",
		"-x264-params", params, "-f", "h264", "-").Output()
	if err != nil {
		t.Fatalf("x264: %v", err)
	}
	return out
}

func decodeFrameMD5s(t *testing.T, ffmpeg string, stream []byte) []string {
	t.Helper()
	cmd := exec.CommandContext(context.Background(), ffmpeg, "-v", "error", "-xerror", "-f", "ivf", "-i", "pipe:0", "-f", "framemd5", "-")
	cmd.Stdin = bytes.NewReader(stream)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("decode: %v\n%s", err, stderr.String())
	}
	var sums []string
	for _, l := range strings.Split(string(out), "\n") {
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		f := strings.Split(l, ",")
		sums = append(sums, strings.TrimSpace(f[len(f)-1]))
	}
	return sums
}

func TestSkipFramesDecodeToTheStill(t *testing.T) {
	ffmpeg := testtool.Require(t, "ffmpeg")
	for _, size := range []struct{ w, h int }{{1920, 1080}, {1280, 720}, {1080, 1920}, {320, 240}} {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			a, err := ParseStill(encodeStill(t, ffmpeg, size.w, size.h, 0, ""))
			if err != nil {
				t.Fatal(err)
			}
			b, err := ParseStill(encodeStill(t, ffmpeg, size.w, size.h, 90, ""))
			if err != nil {
				t.Fatal(err)
			}
			if !a.Compatible(b) {
				t.Fatal("stills of one size should share parameter sets (stitchable)")
			}
			var buf bytes.Buffer
			ivf, err := NewIVFWriter(&buf, size.w, size.h, 30, 0)
			if err != nil {
				t.Fatal(err)
			}
			// 40 frames crosses the frame_num wrap (16) twice; gop 25 repeats the IDR.
			if err := a.WriteFrames(ivf, 40, 25); err != nil {
				t.Fatal(err)
			}
			if err := b.WriteFrames(ivf, 7, 25); err != nil {
				t.Fatal(err)
			}
			sums := decodeFrameMD5s(t, ffmpeg, buf.Bytes())
			if len(sums) != 47 {
				t.Fatalf("decoded %d frames, want 47", len(sums))
			}
			for i := 1; i < 40; i++ {
				if sums[i] != sums[0] {
					t.Fatalf("frame %d differs from the still", i)
				}
			}
			for i := 41; i < 47; i++ {
				if sums[i] != sums[40] {
					t.Fatalf("frame %d differs from the second still", i)
				}
			}
			if sums[40] == sums[0] {
				t.Fatal("the two stills decode the same")
			}
		})
	}
}

func TestSkipFrameIsTiny(t *testing.T) {
	ffmpeg := testtool.Require(t, "ffmpeg")
	s, err := ParseStill(encodeStill(t, ffmpeg, 1920, 1080, 0, ""))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(s.SkipFrame(1)); n > 16 {
		t.Fatalf("skip frame is %d bytes, want ≤ 16", n)
	}
	if s.MacroblockCount() != 120*68 {
		t.Fatalf("macroblocks = %d", s.MacroblockCount())
	}
}

func TestParseStillRejects(t *testing.T) {
	ffmpeg := testtool.Require(t, "ffmpeg")
	cabac := encodeStill(t, ffmpeg, 320, 240, 0, ":cabac=1")
	cases := map[string][]byte{
		"empty":   nil,
		"garbage": []byte("not h264 at all"),
		"cabac":   cabac,
		"sps only": func() []byte {
			nals := SplitNALs(cabac)
			return append([]byte{0, 0, 0, 1}, nals[0]...)
		}(),
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := ParseStill(in); err == nil {
				t.Fatal("want an error")
			}
		})
	}
}

func TestExpGolombRoundTrip(t *testing.T) {
	var w bitWriter
	vals := []uint32{0, 1, 2, 3, 7, 8, 255, 8160, 1 << 20}
	for _, v := range vals {
		w.ue(v)
	}
	for _, v := range []int32{0, 1, -1, 5, -77} {
		w.se(v)
	}
	w.trailing()
	r := &bitReader{b: w.b}
	for _, want := range vals {
		got, err := r.ue()
		if err != nil || got != want {
			t.Fatalf("ue: got %d (%v), want %d", got, err, want)
		}
	}
	for _, want := range []int32{0, 1, -1, 5, -77} {
		got, err := r.se()
		if err != nil || got != want {
			t.Fatalf("se: got %d (%v), want %d", got, err, want)
		}
	}
}

func TestEscapeRoundTrip(t *testing.T) {
	in := []byte{0, 0, 0, 0, 1, 0, 0, 2, 0, 0, 3, 5, 0, 0}
	esc := escape(in)
	if bytes.Contains(esc[:len(esc)-2], []byte{0, 0, 0}) || bytes.Contains(esc, []byte{0, 0, 1}) {
		t.Fatalf("escaped stream still has a start code pattern: % x", esc)
	}
	if got := unescape(esc); !bytes.Equal(got, in) {
		t.Fatalf("round trip: % x != % x", got, in)
	}
}

func FuzzParseStill(f *testing.F) {
	f.Add([]byte{0, 0, 0, 1, 0x67, 0x64, 0, 0x28})
	f.Add([]byte{0, 0, 1, 0x68, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseStill(b)
		if err == nil {
			_ = s.SkipFrame(3)
			_ = md5.Sum(s.Bytes())
		}
	})
}

// encodeClip encodes frames pictures of moving noise the way transitions
// are encoded (same settings as encodeStill, many frames).
func encodeClip(t *testing.T, ffmpeg string, w, h, frames int, extra string) []byte {
	t.Helper()
	params := "cabac=0:stitchable=1:weightp=0:ref=1" + extra
	out, err := exec.Command(ffmpeg, "-v", "error", "-f", "lavfi", "-i", fmt.Sprintf("testsrc2=s=%dx%d:r=30", w, h),
		"-vf", "format=yuv420p,setsar=0", "-frames:v", fmt.Sprint(frames), "-c:v", "libx264", "-preset", "veryfast", "-crf", "20",
		"-bf", "0", "-g", "300", "-x264-params", params, "-f", "h264", "-").Output()
	if err != nil {
		t.Fatalf("x264: %v", err)
	}
	return out
}

func TestAccessUnitsAndClips(t *testing.T) {
	ffmpeg := testtool.Require(t, "ffmpeg")
	data := encodeClip(t, ffmpeg, 64, 48, 12, "")
	aus, err := AccessUnits(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(aus) != 12 {
		t.Fatalf("%d access units, want 12", len(aus))
	}
	for i, au := range aus {
		for _, nal := range SplitNALs(au) {
			if typ := nal[0] & 0x1f; typ == nalSEI || typ == nalAUD {
				t.Errorf("access unit %d keeps NAL type %d (the encoder banner must go)", i, typ)
			}
		}
	}
	if bytes.Contains(bytes.Join(aus, nil), []byte("x264")) {
		t.Error("the x264 banner survived")
	}
	clip, err := ParseClip(data)
	if err != nil {
		t.Fatal(err)
	}
	still, err := ParseStill(encodeStill(t, ffmpeg, 64, 48, 3, ""))
	if err != nil {
		t.Fatal(err)
	}
	if !clip.Compatible(still) {
		t.Error("clip and still made with the same settings are not compatible")
	}
	other, err := ParseStill(encodeStill(t, ffmpeg, 80, 48, 3, ""))
	if err != nil {
		t.Fatal(err)
	}
	if clip.Compatible(other) {
		t.Error("a clip is compatible with a still of another size")
	}
	// A still, a clip and a still again decode to the expected frames.
	var stream bytes.Buffer
	ivf, _ := NewIVFWriter(&stream, 64, 48, 30, 0)
	if err := still.WriteFrames(ivf, 5, 0); err != nil {
		t.Fatal(err)
	}
	if err := clip.WriteFrames(ivf, 12); err != nil {
		t.Fatal(err)
	}
	if err := still.WriteFrames(ivf, 5, 0); err != nil {
		t.Fatal(err)
	}
	sums := decodeFrameMD5s(t, ffmpeg, stream.Bytes())
	if len(sums) != 22 {
		t.Fatalf("%d frames decoded, want 22", len(sums))
	}
	if sums[0] != sums[4] || sums[17] != sums[21] || sums[0] != sums[17] {
		t.Error("the still's frames differ around the clip")
	}
	if sums[5] == sums[4] || sums[5] == sums[6] {
		t.Error("the clip's frames do not move")
	}
	if err := clip.WriteFrames(ivf, 13); err == nil {
		t.Error("writing more frames than the clip has did not fail")
	}
}

func TestParseClipRejects(t *testing.T) {
	ffmpeg := testtool.Require(t, "ffmpeg")
	data := encodeClip(t, ffmpeg, 64, 48, 4, "")
	aus, err := AccessUnits(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"no IDR first", bytes.Join(aus[1:], nil)},
	} {
		if _, err := ParseClip(tc.data); err == nil {
			t.Errorf("%s: accepted", tc.name)
		}
	}
}

func FuzzParseClip(f *testing.F) {
	f.Add([]byte{0, 0, 0, 1, 0x67, 0x42, 0, 0x1e, 0xf4, 0, 0, 0, 1, 0x68, 0xce, 0x3c, 0x80, 0, 0, 0, 1, 0x65, 0x88, 0x84})
	f.Add([]byte{0, 0, 1, 0x41, 0x9a, 0, 0, 1, 0x06, 0x05})
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := AccessUnits(data); err != nil {
			return
		}
		if c, err := ParseClip(data); err == nil {
			var b bytes.Buffer
			_ = c.WriteFrames(&b, c.Frames())
		}
	})
}

// The remembered skip frames are the ones skipFrame writes, at every
// distance from the IDR picture, across frame_num and POC wraps.
func TestSkipFrameMemoMatchesDirect(t *testing.T) {
	ffmpeg := testtool.Require(t, "ffmpeg")
	s, err := ParseStill(encodeStill(t, ffmpeg, 320, 240, 0, ""))
	if err != nil {
		t.Fatal(err)
	}
	for n := 1; n <= 3000; n++ {
		if got, want := s.SkipFrame(n), s.skipFrame(n); !bytes.Equal(got, want) {
			t.Fatalf("frame %d: remembered %x, written %x", n, got, want)
		}
	}
}
