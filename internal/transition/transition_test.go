package transition

import (
	"testing"
)

// flat returns a w×h frame of one colour (Y, Cb, Cr).
func flat(w, h int, y, cb, cr byte) Frame {
	f := Frame{W: w, H: h, Pix: make([]byte, Size(w, h))}
	p, _ := planes(f.Pix, w, h)
	for i := range p[0] {
		p[0][i] = y
	}
	for i := range p[1] {
		p[1][i], p[2][i] = cb, cr
	}
	return f
}

func collect(t *testing.T, a, b Frame, kind string, n int) [][]byte {
	t.Helper()
	var out [][]byte
	if err := Frames(a, b, kind, n, func(px []byte) error {
		out = append(out, append([]byte(nil), px...))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(out) != n {
		t.Fatalf("%d frames, want %d", len(out), n)
	}
	return out
}

func TestCrossfadeAndFade(t *testing.T) {
	a, b := flat(8, 4, 40, 100, 150), flat(8, 4, 200, 160, 90)
	cf := collect(t, a, b, "crossfade", 3) // progress 1/4, 1/2, 3/4
	for i, want := range []byte{80, 120, 160} {
		if cf[i][0] != want {
			t.Errorf("crossfade frame %d: Y %d, want %d", i, cf[i][0], want)
		}
	}
	fd := collect(t, a, b, "fade", 3)
	// Progress 1/2 is black: limited-range Y 16, Cb and Cr 128.
	if fd[1][0] != 16 || fd[1][8*4] != 128 || fd[1][len(fd[1])-1] != 128 {
		t.Errorf("fade midpoint is not black: Y %d Cb %d Cr %d", fd[1][0], fd[1][8*4], fd[1][len(fd[1])-1])
	}
	if fd[0][0] <= 16 || fd[0][0] >= 40 || fd[2][0] <= 16 || fd[2][0] >= 200 {
		t.Errorf("fade frames %d and %d should sit between the stills and black", fd[0][0], fd[2][0])
	}
}

func TestWipeAndSlide(t *testing.T) {
	a, b := flat(16, 4, 10, 128, 128), flat(16, 4, 250, 128, 128)
	for _, kind := range []string{"wipe", "slide-left"} {
		fr := collect(t, a, b, kind, 3)
		prev := 0
		for k, f := range fr {
			// Columns of b count up from the right, by whole chroma pairs.
			nb := 0
			for x := 0; x < 16; x++ {
				if f[x] == 250 {
					nb++
				}
			}
			if nb <= prev || nb%2 != 0 || f[15] != 250 {
				t.Errorf("%s frame %d: %d columns of the incoming picture", kind, k, nb)
			}
			prev = nb
		}
	}
}

func TestFramesRejects(t *testing.T) {
	if err := Frames(flat(8, 4, 0, 0, 0), flat(8, 6, 0, 0, 0), "crossfade", 1, func([]byte) error { return nil }); err == nil {
		t.Error("frames of different sizes")
	}
	if err := Frames(flat(8, 4, 0, 0, 0), flat(8, 4, 0, 0, 0), "spin", 1, func([]byte) error { return nil }); err == nil {
		t.Error("an unknown kind")
	}
}

func BenchmarkCrossfade1080p(b *testing.B) {
	x, y := flat(1920, 1080, 40, 100, 150), flat(1920, 1080, 200, 160, 90)
	b.SetBytes(int64(15 * Size(1920, 1080)))
	for i := 0; i < b.N; i++ {
		_ = Frames(x, y, "crossfade", 15, func([]byte) error { return nil })
	}
}
