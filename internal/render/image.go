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

// Size limits for files a template or a course points at.
const (
	maxTemplateFile = 1 << 20
	maxFontFileSize = 64 << 20
	maxImageFile    = 256 << 20
)

// openRegular opens path only if it is a regular file of at most limit
// bytes, so that a path to a device or a pipe (/dev/zero, /dev/stdin)
// cannot hang or exhaust memory.
func openRegular(path string, limit int64) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !info.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	if info.Size() > limit {
		f.Close()
		return nil, fmt.Errorf("%s is too large (%d MB, limit %d MB)", path, info.Size()>>20, limit>>20)
	}
	return f, nil
}

// readRegular reads a regular file of at most limit bytes.
func readRegular(path string, limit int64) ([]byte, error) {
	f, err := openRegular(path, limit)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, limit))
}

// decodeImageFile decodes a PNG, JPEG, GIF (first frame), WebP or BMP file.
// Errors are plain (the caller adds the file and the fix).
func decodeImageFile(path string) (image.Image, error) {
	f, err := openRegular(path, maxImageFile)
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
