package render

import "image"

// YUV420 converts an opaque picture to planar YUV 4:2:0 (the Y plane, then
// Cb, then Cr) with the BT.709 matrix at limited ("TV") range, the format
// the video encoder takes. Each chroma sample is the average of a 2×2
// block; an odd last column or row is averaged with itself. Alpha is
// ignored. The arithmetic is integer-only, so the result is the same on
// every machine.
func YUV420(img *image.RGBA) []byte {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	cw, ch := (w+1)/2, (h+1)/2
	out := make([]byte, w*h+2*cw*ch)
	yp, up, vp := out[:w*h], out[w*h:w*h+cw*ch], out[w*h+cw*ch:]
	for y := 0; y < h; y++ {
		row := img.Pix[img.PixOffset(b.Min.X, b.Min.Y+y):]
		dst := yp[y*w : y*w+w]
		for x := range dst {
			p := row[4*x : 4*x+3 : 4*x+3]
			dst[x] = luma(int32(p[0]), int32(p[1]), int32(p[2]))
		}
	}
	for cy := 0; cy < ch; cy++ {
		y0 := b.Min.Y + 2*cy
		y1 := min(y0+1, b.Max.Y-1)
		r0 := img.Pix[img.PixOffset(b.Min.X, y0):]
		r1 := img.Pix[img.PixOffset(b.Min.X, y1):]
		for cx := 0; cx < cw; cx++ {
			x0 := 4 * 2 * cx
			x1 := 4 * min(2*cx+1, w-1)
			r := int32(r0[x0]) + int32(r0[x1]) + int32(r1[x0]) + int32(r1[x1])
			g := int32(r0[x0+1]) + int32(r0[x1+1]) + int32(r1[x0+1]) + int32(r1[x1+1])
			bl := int32(r0[x0+2]) + int32(r0[x1+2]) + int32(r1[x0+2]) + int32(r1[x1+2])
			up[cy*cw+cx], vp[cy*cw+cx] = chroma(r, g, bl)
		}
	}
	return out
}

// BT.709 limited-range coefficients, scaled by 1<<16:
//
//	Y  = 16  + (219/255)(0.2126 R + 0.7152 G + 0.0722 B)
//	Cb = 128 + (224/255)(B - Y')/1.8556
//	Cr = 128 + (224/255)(R - Y')/1.5748
const (
	yR, yG, yB    = 11966, 40254, 4064
	cbR, cbG, cbB = -6596, -22188, 28784
	crR, crG, crB = 28784, -26145, -2639
)

func luma(r, g, b int32) uint8 {
	return uint8((yR*r + yG*g + yB*b + 16<<16 + 1<<15) >> 16)
}

// chroma takes sums of four samples of each component.
func chroma(r, g, b int32) (uint8, uint8) {
	cb := (cbR*r + cbG*g + cbB*b + 128<<18 + 1<<17) >> 18
	cr := (crR*r + crG*g + crB*b + 128<<18 + 1<<17) >> 18
	return uint8(cb), uint8(cr)
}
