package vp9

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/tecno-video/tecno/internal/testtool"
)

func encode(t *testing.T, ffmpeg, src string, frames int) []byte {
	t.Helper()
	out, err := exec.Command(ffmpeg, "-v", "error", "-f", "lavfi", "-i", src, "-frames:v", fmt.Sprint(frames),
		"-pix_fmt", "yuv420p", "-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-crf", "40", "-b:v", "0",
		"-auto-alt-ref", "0", "-lag-in-frames", "0", "-f", "ivf", "-").Output()
	if err != nil {
		t.Fatalf("libvpx-vp9: %v", err)
	}
	return out
}

// ivf writes frames as an IVF file of VP9.
func ivf(w, h int, frames [][]byte) []byte {
	var b bytes.Buffer
	hdr := make([]byte, 32)
	copy(hdr, "DKIF")
	binary.LittleEndian.PutUint16(hdr[6:], 32)
	copy(hdr[8:], "VP90")
	binary.LittleEndian.PutUint16(hdr[12:], uint16(w))
	binary.LittleEndian.PutUint16(hdr[14:], uint16(h))
	binary.LittleEndian.PutUint32(hdr[16:], 30)
	binary.LittleEndian.PutUint32(hdr[20:], 1)
	b.Write(hdr)
	for i, f := range frames {
		var fh [12]byte
		binary.LittleEndian.PutUint32(fh[:], uint32(len(f)))
		binary.LittleEndian.PutUint64(fh[4:], uint64(i))
		b.Write(fh[:])
		b.Write(f)
	}
	return b.Bytes()
}

type frameWriter struct{ frames [][]byte }

func (f *frameWriter) Write(p []byte) (int, error) {
	f.frames = append(f.frames, append([]byte(nil), p...))
	return len(p), nil
}

func TestRepeatFrame(t *testing.T) {
	for profile, want := range map[int][]byte{0: {0x88}, 1: {0xa8}, 2: {0x98}, 3: {0xb4, 0x00}} {
		got := RepeatFrame(profile)
		if !bytes.Equal(got, want) {
			t.Errorf("profile %d: % x, want % x", profile, got, want)
		}
		h, err := ParseHeader(got)
		if err != nil || !h.ShowExisting || h.Profile != profile {
			t.Errorf("profile %d: header %+v, %v", profile, h, err)
		}
	}
}

// TestStillRepeatsDecode checks the trick end to end: a key frame and
// one-byte repeats decode, with ffmpeg, to as many identical frames.
func TestStillRepeatsDecode(t *testing.T) {
	ffmpeg := testtool.Require(t, "ffmpeg")
	st, err := ParseStill(encode(t, ffmpeg, "testsrc2=s=96x64:r=30", 1))
	if err != nil {
		t.Fatal(err)
	}
	if h := st.Header(); h.Width != 96 || h.Height != 64 || h.Profile != 0 {
		t.Fatalf("header %+v", h)
	}
	clip, err := ParseClip(encode(t, ffmpeg, "testsrc2=s=96x64:r=30", 10))
	if err != nil {
		t.Fatal(err)
	}
	if clip.Frames() != 10 || !clip.Compatible(st) {
		t.Fatalf("clip of %d frames, compatible %v", clip.Frames(), clip.Compatible(st))
	}
	var fw frameWriter
	if err := st.WriteFrames(&fw, 25, 10); err != nil {
		t.Fatal(err)
	}
	if err := clip.WriteFrames(&fw, 10); err != nil {
		t.Fatal(err)
	}
	keys, tiny := 0, 0
	for _, f := range fw.frames[:25] {
		if len(f) == 1 {
			tiny++
		} else if h, _ := ParseHeader(f); h.KeyFrame {
			keys++
		}
	}
	if keys != 3 || tiny != 22 {
		t.Errorf("%d key frames and %d repeats, want 3 and 22 (a key frame every 10)", keys, tiny)
	}
	cmd := exec.Command(ffmpeg, "-v", "error", "-xerror", "-f", "ivf", "-i", "pipe:0", "-f", "framemd5", "-")
	cmd.Stdin = bytes.NewReader(ivf(96, 64, fw.frames))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	var sums []string
	for _, l := range strings.Split(string(out), "\n") {
		if l != "" && !strings.HasPrefix(l, "#") {
			f := strings.Split(l, ",")
			sums = append(sums, strings.TrimSpace(f[len(f)-1]))
		}
	}
	if len(sums) != 35 {
		t.Fatalf("%d frames decoded, want 35", len(sums))
	}
	for i := 1; i < 25; i++ {
		if sums[i] != sums[0] {
			t.Fatalf("repeat %d decodes to another picture", i)
		}
	}
	if sums[25] == sums[26] {
		t.Error("the clip does not move")
	}
}

func TestParseRejects(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"not ivf", []byte("hello world, this is not an IVF file at all")},
		{"truncated", ivf(8, 8, [][]byte{{0x82, 0x49}})[:40]},
		{"repeat first", ivf(8, 8, [][]byte{{0x88}})},
		{"bad marker", ivf(8, 8, [][]byte{{0x02, 0, 0, 0}})},
	} {
		if _, err := ParseStill(tc.data); err == nil {
			t.Errorf("%s: ParseStill accepted it", tc.name)
		}
		if _, err := ParseClip(tc.data); err == nil {
			t.Errorf("%s: ParseClip accepted it", tc.name)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(ivf(8, 8, [][]byte{{0x82, 0x49, 0x83, 0x42, 0x00, 0x00, 0x70, 0x00, 0x70}}))
	f.Add(ivf(8, 8, [][]byte{{0x88}}))
	f.Fuzz(func(t *testing.T, data []byte) {
		if st, err := ParseStill(data); err == nil {
			var fw frameWriter
			_ = st.WriteFrames(&fw, 3, 2)
		}
		if c, err := ParseClip(data); err == nil {
			var fw frameWriter
			_ = c.WriteFrames(&fw, c.Frames())
		}
	})
}
