package build

import (
	"fmt"
	"strings"

	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/fault"
	"github.com/tecno-video/tecno/internal/ffmpeg"
)

// sizeVariant is one frame size a build renders: the main one (preset "")
// and one per extra size preset. Narration and audio are shared by all of
// them; frames, stills, transitions and joins are per size.
type sizeVariant struct {
	preset string // "" for the main size
	video  ffmpeg.Video
}

// codecs, by index in sceneVisual.enc.
var codecs = []string{ffmpeg.CodecH264, ffmpeg.CodecVP9}

const (
	h264Codec = 0
	vp9Codec  = 1
)

// setupVariants resolves the output presets (the --preset flags, else the
// course's output.presets): the main size and extra sizes, and whether a
// WebM and an M4A are made.
func (b *builder) setupVariants() error {
	presets := b.c.Output.Presets
	if b.opts.Presets != nil {
		presets = b.opts.Presets
	}
	main := b.video
	var extra []string
	seen := map[string]bool{}
	mainSet := false
	for _, p := range presets {
		p = strings.ToLower(strings.TrimSpace(p))
		if p == "" || seen[p] {
			continue
		}
		seen[p] = true
		switch p {
		case "webm":
			b.webm = true
			continue
		case "audio-only":
			b.audioOnly = true
			continue
		}
		w, h, ok := course.PresetSize(p)
		if !ok {
			e := fault.New(fault.Input, "unknown output preset %q", p)
			if s := course.Suggest(p, course.Presets); s != "" {
				e.Msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			return e.WithHint("presets: %s", strings.Join(course.Presets, ", "))
		}
		if !mainSet {
			main.Width, main.Height = w, h
			mainSet = true
			continue
		}
		extra = append(extra, p)
	}
	b.video = main
	b.sizes = []sizeVariant{{video: main}}
	for _, p := range extra {
		w, h, _ := course.PresetSize(p)
		if w == main.Width && h == main.Height {
			continue
		}
		v := main
		v.Width, v.Height = w, h
		b.sizes = append(b.sizes, sizeVariant{preset: p, video: v})
	}
	return nil
}

// stageName names a per-variant stage: "still", "still-vp9", "frame@720p".
func (b *builder) stageName(base string, vi, codec int) string {
	if codec == vp9Codec {
		base += "-vp9"
	}
	if vi > 0 {
		base += "@" + b.sizes[vi].preset
	}
	return base
}

// codecsFor lists the codecs a size variant is encoded with: H.264 always,
// VP9 for the main size when a WebM is made.
func (b *builder) codecsFor(vi int) []int {
	if vi == 0 && b.webm {
		return []int{h264Codec, vp9Codec}
	}
	return []int{h264Codec}
}
