package avatar

import (
	"image"
	"image/color"
	"math"

	"github.com/tecno-video/tecno/internal/course"
)

// Margin is the gap between the presenter and the frame's edges, as a
// fraction of the frame height.
const Margin = 0.04

// Placement is where the presenter goes on the frame, in pixels: a square
// whose side is a fraction of the frame height.
type Placement struct {
	X, Y, Size int
}

// Place returns the presenter's square for a w×h frame: side size×h
// (even, for chroma subsampling), in the configured corner, Margin away
// from both edges.
func Place(w, h int, a course.Avatar) (Placement, error) {
	size := a.Size
	if size == 0 {
		size = course.DefaultAvatarSize
	}
	side := int(math.Round(size*float64(h)/2)) * 2
	margin := int(math.Round(Margin * float64(h)))
	if side < 16 || side+2*margin > w || side+2*margin > h {
		return Placement{}, sizeError(size, w, h)
	}
	p := Placement{Size: side, X: w - margin - side, Y: h - margin - side}
	switch a.Position {
	case "bottom-left":
		p.X = margin
	case "top-right":
		p.Y = margin
	case "top-left":
		p.X, p.Y = margin, margin
	}
	return p, nil
}

// Mask returns the alpha mask of the presenter: white where it shows,
// black around it. A circle has a one-pixel anti-aliased edge; a rect is
// all white.
func Mask(side int, shape string) *image.Gray {
	m := image.NewGray(image.Rect(0, 0, side, side))
	if shape == "rect" {
		for i := range m.Pix {
			m.Pix[i] = 255
		}
		return m
	}
	r := float64(side) / 2
	for y := 0; y < side; y++ {
		for x := 0; x < side; x++ {
			d := math.Hypot(float64(x)+0.5-r, float64(y)+0.5-r)
			a := math.Max(0, math.Min(1, r-d+0.5))
			m.SetGray(x, y, color.Gray{Y: uint8(math.Round(a * 255))})
		}
	}
	return m
}
