package render

import (
	"bufio"
	"fmt"
	"image"
	_ "image/gif" // GIF decoding (first frame)
	_ "image/jpeg"
	_ "image/png"
	"io"
	"os"

	_ "golang.org/x/image/bmp"  // BMP decoding
	_ "golang.org/x/image/webp" // WebP decoding
)

// maxImagePixels bounds decoded image size (a 16k×16k image is 1 GiB).
const maxImagePixels = 100_000_000

// decodeImageFile decodes a PNG, JPEG, GIF (first frame), WebP or BMP file.
// Errors are plain (the caller adds the file and the fix).
func decodeImageFile(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	br := bufio.NewReader(f)
	cfg, format, err := image.DecodeConfig(br)
	if err != nil {
		return nil, fmt.Errorf("not a supported image (PNG, JPEG, GIF, WebP or BMP): %w", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > maxImagePixels {
		return nil, fmt.Errorf("%s image of %dx%d pixels is too large (limit %d megapixels)", format, cfg.Width, cfg.Height, maxImagePixels/1_000_000)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	img, _, err := image.Decode(bufio.NewReader(f))
	if err != nil {
		return nil, fmt.Errorf("cannot decode %s image: %w", format, err)
	}
	return img, nil
}
