package avatar

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/tecno-video/tecno/internal/ffmpeg"
)

// Picture is one picture of a scene's background: a PNG of the output size
// shown for Frames frames (0 for "until the end").
type Picture struct {
	PNG    string
	Frames int
}

// Composite describes one scene with a presenter: the scene's pictures as
// the background, the talking-head clip picture-in-picture over them.
type Composite struct {
	// Background are the pictures the scene shows, in order (its frame, or
	// the states of a bullet reveal); the last one lasts to the end.
	Background []Picture
	Clip       string // the talking-head clip
	// Mask is a grayscale PNG of Place.Size pixels (see Mask) that cuts the
	// clip to a circle; "" shows it as a rectangle.
	Mask  string
	Place Placement
	// Offset is when the narration starts in the scene, in seconds: the
	// clip's first frame is held until then, and its last frame after it
	// ends, so the lips move with the voice.
	Offset float64
	Frames int // the scene's length in frames
	Video  ffmpeg.Video
	// Codec is ffmpeg.CodecH264 (the default) or ffmpeg.CodecVP9.
	Codec string
	// Preset and ExtraParams change x264's speed (H.264 only; "" keeps the
	// stills' settings). The parameter sets must still come out identical
	// to the stills': the caller checks.
	Preset, ExtraParams string
	Out                 string // Annex B H.264, or IVF VP9
}

// EncoderArgs returns the encoder options of a codec's still pictures
// (ffmpeg.StillArgs, ffmpeg.VP9StillArgs): everything from -c:v up to the
// output format. A clip encoded with them shares the stills' stream
// parameters (for H.264: CAVLC, stitchable, no B-frames, one reference,
// the same GOP and colour tags), so the lesson join can insert it by stream
// copy between stills extended with skip frames. They are read from the
// still builders themselves so that the two can never drift apart. preset
// and extraParams, when set, change x264's speed.
func EncoderArgs(codec string, v ffmpeg.Video, preset, extraParams string) []string {
	var args []string
	if codec == ffmpeg.CodecVP9 {
		args = ffmpeg.VP9StillArgs("frame.png", v)
	} else {
		args = ffmpeg.StillArgs("frame.png", v)
	}
	start, end := -1, -1
	for i, a := range args {
		switch {
		case a == "-c:v" && start < 0:
			start = i
		case a == "-f":
			end = i
		}
	}
	if start < 0 || end < start {
		panic("avatar: the still encoder arguments have no -c:v … -f section")
	}
	out := append([]string(nil), args[start:end]...)
	if codec == ffmpeg.CodecVP9 {
		return out
	}
	for i := 0; i+1 < len(out); i++ {
		switch {
		case out[i] == "-preset" && preset != "":
			out[i+1] = preset
		case out[i] == "-x264-params" && extraParams != "":
			out[i+1] += extraParams
		}
	}
	return out
}

// toYUV is the colour conversion of every encoded picture, as in the
// still builders: BT.709, limited range, 4:2:0.
func toYUV(v ffmpeg.Video) string {
	return fmt.Sprintf("scale=%d:%d:flags=lanczos:out_color_matrix=bt709:out_range=tv,format=yuv420p", v.Width, v.Height)
}

// CompositeArgs builds the ffmpeg arguments of a composite: the background
// pictures cut to their frame counts and joined, the clip scaled and
// cropped to a square, masked, delayed to the narration and laid over
// them; the colour conversion of the stills (BT.709, limited range);
// exactly Frames frames.
func CompositeArgs(c Composite) []string {
	fps := strconv.Itoa(c.Video.FPS)
	s := c.Place.Size
	args := []string{"-hide_banner", "-nostdin", "-v", "error"}
	var graph strings.Builder
	var bgs string
	// Each picture is decoded and converted once, then repeated by the
	// loop filter (the image demuxer's -loop would decode it every frame).
	for i, p := range c.Background {
		args = append(args, "-framerate", fps, "-i", p.PNG)
		n := -1
		if p.Frames > 0 && i < len(c.Background)-1 {
			n = p.Frames - 1
		}
		fmt.Fprintf(&graph, "[%d:v]%s,loop=loop=%d:size=1:start=0,setpts=N/(%s*TB)[b%d];", i, toYUV(c.Video), n, fps, i)
		bgs += fmt.Sprintf("[b%d]", i)
	}
	if len(c.Background) > 1 {
		fmt.Fprintf(&graph, "%sconcat=n=%d:v=1:a=0[bg];", bgs, len(c.Background))
	} else {
		graph.WriteString("[b0]null[bg];")
	}
	clip := len(c.Background)
	args = append(args, "-i", c.Clip)
	fmt.Fprintf(&graph, "[%d:v]fps=%s,scale=%d:%d:force_original_aspect_ratio=increase:flags=bicubic,crop=%d:%d,setsar=1,format=rgba", clip, fps, s, s, s, s)
	if c.Offset > 0 {
		fmt.Fprintf(&graph, ",tpad=start_duration=%s:start_mode=clone", strconv.FormatFloat(c.Offset, 'f', 3, 64))
	}
	graph.WriteString("[head];")
	over := "[head]"
	if c.Mask != "" {
		args = append(args, "-framerate", fps, "-i", c.Mask)
		fmt.Fprintf(&graph, "[%d:v]format=gray,scale=%d:%d,loop=loop=-1:size=1:start=0,setpts=N/(%s*TB)[mask];[head][mask]alphamerge[pip];", clip+1, s, s, fps)
		over = "[pip]"
	}
	fmt.Fprintf(&graph, "%sscale=out_color_matrix=bt709:out_range=tv,format=yuva420p[fg];", over)
	fmt.Fprintf(&graph, "[bg][fg]overlay=x=%d:y=%d:eof_action=repeat:format=yuv420,format=yuv420p[v]", c.Place.X, c.Place.Y)
	args = append(args, "-filter_complex", graph.String(), "-map", "[v]", "-an", "-sn",
		"-frames:v", strconv.Itoa(c.Frames), "-r", fps)
	args = append(args, EncoderArgs(c.Codec, c.Video, c.Preset, c.ExtraParams)...)
	format := "h264"
	if c.Codec == ffmpeg.CodecVP9 {
		format = "ivf"
	}
	return append(args, "-f", format, "-y", c.Out)
}
