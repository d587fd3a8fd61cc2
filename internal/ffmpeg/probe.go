package ffmpeg

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
)

// ProbeResult is what ffprobe reports about a media file.
type ProbeResult struct {
	Streams  []ProbeStream  `json:"streams"`
	Chapters []ProbeChapter `json:"chapters"`
	Format   struct {
		Duration   string            `json:"duration"`
		FormatName string            `json:"format_name"`
		Tags       map[string]string `json:"tags"`
	} `json:"format"`
}

// ProbeStream is one stream.
type ProbeStream struct {
	Index        int               `json:"index"`
	CodecType    string            `json:"codec_type"`
	CodecName    string            `json:"codec_name"`
	Profile      string            `json:"profile"`
	Width        int               `json:"width"`
	Height       int               `json:"height"`
	PixFmt       string            `json:"pix_fmt"`
	RFrameRate   string            `json:"r_frame_rate"`
	AvgFrameRate string            `json:"avg_frame_rate"`
	SampleRate   string            `json:"sample_rate"`
	Channels     int               `json:"channels"`
	Duration     string            `json:"duration"`
	NbFrames     string            `json:"nb_frames"`
	Tags         map[string]string `json:"tags"`
}

// ProbeChapter is one chapter.
type ProbeChapter struct {
	StartTime string            `json:"start_time"`
	EndTime   string            `json:"end_time"`
	Tags      map[string]string `json:"tags"`
}

// Seconds parses one of ffprobe's decimal second strings.
func Seconds(s string) float64 {
	f, _ := strconv.ParseFloat(s, 64)
	return f
}

// ProbeArgs asks ffprobe for streams, chapters and format as JSON.
func ProbeArgs(path string) []string {
	return []string{"-v", "error", "-print_format", "json", "-show_streams", "-show_chapters", "-show_format", path}
}

// ProbeFile runs ffprobe on path.
func (r *Runner) ProbeFile(ctx context.Context, path string) (*ProbeResult, error) {
	out, err := r.Probe(ctx, ProbeArgs(path)...)
	if err != nil {
		return nil, err
	}
	var p ProbeResult
	if err := json.Unmarshal(out, &p); err != nil {
		return nil, fmt.Errorf("ffprobe %s: %w", path, err)
	}
	return &p, nil
}

// Stream returns the first stream of the given type ("video", "audio",
// "subtitle"), or nil.
func (p *ProbeResult) Stream(kind string) *ProbeStream {
	for i := range p.Streams {
		if p.Streams[i].CodecType == kind {
			return &p.Streams[i]
		}
	}
	return nil
}
