package avatar

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	_ "image/jpeg" // portraits
	_ "image/png"
	"io"
	"math"
	"os"
	"sort"
	"strconv"

	xdraw "golang.org/x/image/draw"
	_ "golang.org/x/image/webp"

	"github.com/tecno-video/tecno/internal/fault"
	"github.com/tecno-video/tecno/internal/ffmpeg"
	"github.com/tecno-video/tecno/internal/narrate"
)

// LocalName is the provider id of the local presenter.
const LocalName = "local"

// localVersion is bumped whenever the local presenter's output changes.
const localVersion = "1"

// levels is how many distinct pictures the local presenter draws: the
// loudness of each frame picks one, so a scene costs a handful of drawings
// whatever its length.
const levels = 8

// Local is the presenter that needs no service: the portrait breathes
// with the narration's loudness — a slight scale and brightness pulse and
// a small drop of the lower face, like a jaw — frame by frame. It lets
// authors try the picture-in-picture layout offline.
type Local struct {
	FFmpeg *ffmpeg.Runner
}

var _ Presenter = Local{}

// Name implements Presenter.
func (Local) Name() string { return LocalName }

// Fingerprint implements Presenter.
func (Local) Fingerprint() string {
	return "local;v=" + localVersion + ";levels=" + strconv.Itoa(levels)
}

// Render implements Presenter.
func (l Local) Render(ctx context.Context, req Request) error {
	if req.FPS <= 0 || req.Size < 16 {
		return fmt.Errorf("avatar: local presenter needs fps and a size, got %d fps, %d px", req.FPS, req.Size)
	}
	f, err := os.Open(req.Audio)
	if err != nil {
		return err
	}
	audio, err := narrate.DecodeWAV(f)
	f.Close()
	if err != nil {
		return fmt.Errorf("avatar: narration %s: %w", req.Audio, err)
	}
	portrait, err := LoadPortrait(req.Image, req.Size)
	if err != nil {
		return err
	}
	frames := int(math.Ceil(audio.Duration()*float64(req.FPS) - 1e-9))
	if frames < 1 {
		frames = 1
	}
	env := Loudness(audio.Samples, audio.Rate, req.FPS, frames)
	pics := make([][]byte, levels)
	for i := range pics {
		pics[i] = rgb(Speaking(portrait, float64(i)/float64(levels-1)))
	}
	side := portrait.Bounds().Dx()
	args := []string{"-hide_banner", "-nostdin", "-v", "error",
		"-f", "rawvideo", "-pix_fmt", "rgb24", "-s", fmt.Sprintf("%dx%d", side, side), "-framerate", strconv.Itoa(req.FPS), "-i", "pipe:0",
		"-c:v", "libx264", "-preset", "veryfast", "-crf", "14", "-pix_fmt", "yuv420p",
		"-fflags", "+bitexact", "-flags:v", "+bitexact", "-movflags", "+faststart", "-f", "mp4", "-y", req.Out}
	pr, pw := io.Pipe()
	go func() {
		bw := bufio.NewWriterSize(pw, 1<<20)
		var err error
		for _, lv := range env {
			if _, err = bw.Write(pics[int(math.Round(lv*float64(levels-1)))]); err != nil {
				break
			}
		}
		if err == nil {
			err = bw.Flush()
		}
		pw.CloseWithError(err)
	}()
	err = l.FFmpeg.Run(ctx, ffmpeg.Cmd{Args: args, Stdin: pr})
	pr.CloseWithError(io.ErrClosedPipe)
	return err
}

// Loudness returns one value in [0, 1] per video frame: the RMS of the
// frame's samples, scaled so that the loud end of the narration (its 95th
// percentile) is 1, with a quick attack and a slower release so the
// portrait does not flicker.
func Loudness(samples []int16, rate, fps, frames int) []float64 {
	out := make([]float64, frames)
	if rate <= 0 || fps <= 0 {
		return out
	}
	raw := make([]float64, frames)
	for i := range raw {
		a := i * rate / fps
		b := min((i+1)*rate/fps, len(samples))
		if a >= b {
			continue
		}
		var sum float64
		for _, s := range samples[a:b] {
			v := float64(s) / 32768
			sum += v * v
		}
		raw[i] = math.Sqrt(sum / float64(b-a))
	}
	sorted := append([]float64(nil), raw...)
	sort.Float64s(sorted)
	ref := sorted[int(0.95*float64(len(sorted)-1))]
	if ref < 1e-4 { // silence
		return out
	}
	const attack, release = 0.6, 0.25
	level := 0.0
	for i, r := range raw {
		v := math.Min(1, r/ref)
		// Quieter than a whisper counts as a closed mouth.
		v = math.Max(0, (v-0.08)/0.92)
		k := release
		if v > level {
			k = attack
		}
		level += k * (v - level)
		out[i] = level
	}
	return out
}

// LoadPortrait reads a portrait (PNG, JPEG or WebP) and crops it to a
// square around the upper middle, where faces are, at side pixels. An
// empty path gives a neutral drawn figure.
func LoadPortrait(path string, side int) (*image.RGBA, error) {
	if path == "" {
		return Figure(side), nil
	}
	if IsURL(path) {
		return nil, fault.New(fault.Input, "the local presenter reads a portrait file, not a URL (%s)", path).
			WithHint("download the picture and set avatar.image to the file")
	}
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fault.New(fault.Input, "avatar image %s not found", path)
		}
		return nil, err
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		return nil, fault.New(fault.Input, "avatar image %s: %v", path, err).
			WithHint("use a PNG, JPEG or WebP picture")
	}
	b := img.Bounds()
	sq := min(b.Dx(), b.Dy())
	x0 := b.Min.X + (b.Dx()-sq)/2
	// Portraits are taller than wide with the face in the upper part:
	// keep the top fifth of the extra height above the crop.
	y0 := b.Min.Y + (b.Dy()-sq)/5
	dst := image.NewRGBA(image.Rect(0, 0, side, side))
	xdraw.CatmullRom.Scale(dst, dst.Bounds(), img, image.Rect(x0, y0, x0+sq, y0+sq), draw.Src, nil)
	return dst, nil
}

// Figure draws a neutral presenter: head and shoulders on a soft
// background.
func Figure(side int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, side, side))
	bg := color.RGBA{0x3d, 0x5a, 0x80, 0xff}
	fg := color.RGBA{0xe0, 0xe6, 0xee, 0xff}
	s := float64(side)
	for y := 0; y < side; y++ {
		for x := 0; x < side; x++ {
			px, py := float64(x)+0.5, float64(y)+0.5
			// Head: a circle; shoulders: the top of a wide ellipse.
			head := 0.17*s - math.Hypot(px-0.5*s, py-0.40*s)
			sx, sy := (px-0.5*s)/(0.36*s), (py-1.0*s)/(0.34*s)
			shoulders := (1 - math.Hypot(sx, sy)) * 0.3 * s
			a := math.Max(0, math.Min(1, math.Max(head, shoulders)+0.5))
			img.SetRGBA(x, y, mix(bg, fg, a))
		}
	}
	return img
}

func mix(a, b color.RGBA, t float64) color.RGBA {
	l := func(x, y uint8) uint8 { return uint8(math.Round(float64(x)*(1-t) + float64(y)*t)) }
	return color.RGBA{l(a.R, b.R), l(a.G, b.G), l(a.B, b.B), 0xff}
}

// Speaking draws the portrait at loudness level in [0, 1]: scaled up by
// at most 3% around its bottom centre, brightened by at most 6%, with the
// lower middle of the face dropped by at most 2% of the side.
func Speaking(p *image.RGBA, level float64) *image.RGBA {
	b := p.Bounds()
	side := b.Dx()
	out := image.NewRGBA(b)
	scale := 1 + 0.03*level
	w := int(math.Round(float64(side) * scale))
	scaled := image.NewRGBA(image.Rect(0, 0, w, w))
	xdraw.BiLinear.Scale(scaled, scaled.Bounds(), p, b, draw.Src, nil)
	off := (w - side) / 2
	draw.Draw(out, b, scaled, image.Pt(off, w-side), draw.Src)
	// The jaw: rows of the lower middle third move down.
	drop := int(math.Round(0.02 * float64(side) * level))
	if drop > 0 {
		x0, x1 := side*35/100, side*65/100
		y0, y1 := side*58/100, side*78/100
		for y := y1 - 1; y >= y0+drop; y-- {
			copy(out.Pix[y*out.Stride+4*x0:y*out.Stride+4*x1], out.Pix[(y-drop)*out.Stride+4*x0:(y-drop)*out.Stride+4*x1])
		}
	}
	gain := 1 + 0.06*level
	for i := 0; i < len(out.Pix); i += 4 {
		for c := 0; c < 3; c++ {
			out.Pix[i+c] = uint8(math.Min(255, float64(out.Pix[i+c])*gain))
		}
	}
	return out
}

// rgb packs an RGBA picture as rgb24 rows.
func rgb(img *image.RGBA) []byte {
	b := img.Bounds()
	out := make([]byte, 0, b.Dx()*b.Dy()*3)
	for y := 0; y < b.Dy(); y++ {
		row := img.Pix[y*img.Stride : y*img.Stride+4*b.Dx()]
		for x := 0; x < len(row); x += 4 {
			out = append(out, row[x], row[x+1], row[x+2])
		}
	}
	return out
}
