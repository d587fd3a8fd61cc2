package render

import (
	"image"
	"image/png"
	"io"
	"sync"
)

var pngBuffers = sync.Pool{New: func() any { return new(png.EncoderBuffer) }}

type pooledBuffers struct{}

func (pooledBuffers) Get() *png.EncoderBuffer  { return pngBuffers.Get().(*png.EncoderBuffer) }
func (pooledBuffers) Put(b *png.EncoderBuffer) { pngBuffers.Put(b) }

var fastPNG = png.Encoder{CompressionLevel: png.BestSpeed, BufferPool: pooledBuffers{}}

// EncodePNG writes img as a PNG, favouring speed over size (frames are
// cached and re-encoded by ffmpeg anyway).
func EncodePNG(w io.Writer, img image.Image) error {
	return fastPNG.Encode(w, img)
}
