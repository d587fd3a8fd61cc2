package ffmpeg

import (
	"fmt"
	"math"
	"strconv"
)

// x264 settings every picture of a lesson shares, so that stills, clips
// and transitions have identical parameter sets and splice by stream copy.
func x264Args(v Video, preset string, extraParams string) []string {
	params := "cabac=0:stitchable=1:weightp=0:ref=1" + extraParams
	return []string{
		"-c:v", "libx264",
		"-preset", preset,
		"-tune", "stillimage",
		"-crf", strconv.Itoa(v.CRF),
		"-profile:v", "high",
		"-bf", "0",
		"-g", "300",
		"-x264-params", params,
		"-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv",
	}
}

// toYUV is the colour conversion of every encoded picture: BT.709, limited
// range, 4:2:0.
func toYUV(v Video) string {
	return fmt.Sprintf("scale=%d:%d:flags=lanczos:out_color_matrix=bt709:out_range=tv,format=yuv420p", v.Width, v.Height)
}

// XFadeNames maps tecno's transition types to ffmpeg xfade transitions.
var XFadeNames = map[string]string{
	"fade":       "fadeblack", // through black
	"crossfade":  "fade",      // a dissolve
	"slide-left": "slideleft",
	"wipe":       "wipeleft",
}

// Codecs of a lesson's video stream.
const (
	CodecH264 = "h264"
	CodecVP9  = "vp9"
)

// Transition describes the frames of one transition between two pictures.
type Transition struct {
	From, To string // PNG frames, at the output size
	Kind     string // tecno transition type (fade, crossfade, slide-left, wipe)
	Frames   int    // frames to produce
	Codec    string // CodecH264 or CodecVP9
	// Preset and ExtraParams select the x264 speed; the parameter sets
	// must come out identical to the stills' (the caller checks and falls
	// back to the stills' own preset).
	Preset      string
	ExtraParams string
}

// TransitionArgs encodes t.Frames frames blending t.From into t.To with
// ffmpeg's xfade, on stdout: Annex B H.264, or IVF VP9. The blend runs over
// Frames+1 steps and its first frame (pure From) is dropped, so the first
// encoded frame already moves and the picture after the last one is To
// itself: frame k shows progress (k+1)/(Frames+1).
func TransitionArgs(t Transition, v Video) []string {
	fps := v.FPS
	d := float64(t.Frames+1) / float64(fps)
	secs := strconv.FormatFloat(d+1/float64(fps), 'f', 6, 64)
	name := XFadeNames[t.Kind]
	if name == "" {
		name = "fade"
	}
	args := append(base(),
		"-loop", "1", "-framerate", strconv.Itoa(fps), "-t", secs, "-i", t.From,
		"-loop", "1", "-framerate", strconv.Itoa(fps), "-t", secs, "-i", t.To,
		"-filter_complex", fmt.Sprintf("[0:v][1:v]xfade=transition=%s:duration=%s:offset=0,trim=start_frame=1,%s",
			name, strconv.FormatFloat(d, 'f', 6, 64), toYUV(v)),
		"-frames:v", strconv.Itoa(t.Frames),
	)
	if t.Codec == CodecVP9 {
		return append(append(args, vp9Args(v)...), "-f", "ivf", "pipe:1")
	}
	preset := t.Preset
	if preset == "" {
		preset = v.Preset
	}
	return append(append(args, x264Args(v, preset, t.ExtraParams)...), "-f", "h264", "pipe:1")
}

// FastClipPreset and FastClipParams encode transition frames quickly. With
// this chroma QP offset x264's "faster" preset writes the same parameter
// sets as the stills' "slow" one; when a build of x264 disagrees, the
// caller falls back to the stills' preset.
const (
	FastClipPreset = "faster"
	FastClipParams = ":chroma-qp-offset=-2"
)

// vp9Args are the libvpx settings of a lesson's VP9 pictures: one frame per
// packet (no hidden alternate reference frames), constant quality.
func vp9Args(v Video) []string {
	crf := v.CRF + 12 // VP9's CRF scale runs higher than x264's for the same look
	return []string{
		"-c:v", "libvpx-vp9",
		"-deadline", "good", "-cpu-used", "4", "-row-mt", "1",
		"-crf", strconv.Itoa(crf), "-b:v", "0",
		"-auto-alt-ref", "0", "-lag-in-frames", "0",
		"-g", "9999",
		"-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv",
	}
}

// VP9StillArgs encodes one PNG frame as a VP9 key frame, in IVF on stdout.
func VP9StillArgs(png string, v Video) []string {
	args := append(base(), "-framerate", strconv.Itoa(v.FPS), "-i", png, "-vf", toYUV(v), "-frames:v", "1")
	return append(append(args, vp9Args(v)...), "-f", "ivf", "pipe:1")
}

// ClipVideoArgs transcodes a video file (an intro or outro) to frames
// frames at the lesson's size and rate, letterboxed, with the stills'
// x264 settings so the result splices into the lesson: Annex B H.264 (or
// IVF VP9) on stdout. A short video holds its last frame.
func ClipVideoArgs(in string, frames int, codec string, v Video) []string {
	vf := fmt.Sprintf("fps=%d,scale=%d:%d:force_original_aspect_ratio=decrease:flags=lanczos,pad=%d:%d:(ow-iw)/2:(oh-ih)/2:color=black,setsar=0,tpad=stop=-1:stop_mode=clone,%s",
		v.FPS, v.Width, v.Height, v.Width, v.Height, toYUV(v))
	args := append(base(), "-i", in, "-map", "0:v:0", "-vf", vf, "-frames:v", strconv.Itoa(frames))
	if codec == CodecVP9 {
		return append(append(args, vp9Args(v)...), "-f", "ivf", "pipe:1")
	}
	return append(append(args, x264Args(v, v.Preset, "")...), "-f", "h264", "pipe:1")
}

// ClipAudioArgs encodes a video file's sound (or silence, when it has none)
// as a scene segment: exactly samples samples once decoded, the encoder's
// priming frame standing in for the first AACFrame samples, like
// SceneAudioArgs.
func ClipAudioArgs(in string, hasAudio bool, samples int, a Audio, out string) []string {
	args := base()
	if hasAudio {
		args = append(args, "-i", in, "-map", "0:a:0")
	} else {
		args = append(args, "-f", "lavfi", "-i", fmt.Sprintf("anullsrc=r=%d:cl=mono", a.SampleRate))
	}
	return append(args,
		"-af", fmt.Sprintf("aresample=%d,aformat=channel_layouts=mono,adelay=%d:all=1,apad,atrim=start_sample=%d:end_sample=%d",
			a.SampleRate, AACFrame*1000/a.SampleRate, AACFrame, samples),
		"-ac", "1",
		"-c:a", "aac", "-aac_coder", "fast", "-b:a", a.Bitrate,
		"-fflags", "+bitexact", "-flags:a", "+bitexact",
		"-f", "adts", out,
	)
}

// LoudnessArgs measures a file's integrated loudness (EBU R128): the last
// "lavfi.r128.I=" line on stdout holds it, in LUFS.
func LoudnessArgs(in string) []string {
	return append(base(), "-i", in, "-vn", "-map", "0:a:0",
		"-af", "aresample=48000,asetnsamples=n=480000:p=0,ebur128=metadata=1,ametadata=mode=print:key=lavfi.r128.I:file=-",
		"-f", "null", "-")
}

// Mix describes a lesson's music bed mixed under its narration.
type Mix struct {
	Music    string  // music file
	Loop     bool    // repeat the music to fill the lesson
	GainDB   float64 // gain bringing the music to its level under the voice
	Duck     float64 // dB the music dips while the voice speaks; 0: no ducking
	Attack   float64 // seconds
	Release  float64 // seconds
	FadeIn   float64 // seconds
	FadeOut  float64 // seconds
	Samples  int     // lesson length in samples
	VoiceRMS float64 // dBFS RMS of the narration while speaking, for the ducking threshold

	// MusicOnly writes the ducked music without the voice (for tests that
	// measure how far it sits under the narration).
	MusicOnly bool
}

// duckRatio is the compressor ratio used for ducking: steep, so the dip
// barely depends on how loud a given word is.
const duckRatio = 8.0

// DuckThreshold returns the sidechain compressor threshold (linear) that
// makes the music dip by duck dB when the voice is at voiceRMS dBFS: a
// compressor of ratio r above threshold T reduces by (L-T)(1-1/r).
func DuckThreshold(duck, voiceRMS float64) float64 {
	t := voiceRMS - duck/(1-1/duckRatio)
	return math.Max(math.Pow(10, t/20), 0.000977)
}

// MixArgs mixes the lesson's narration (concatenated scene ADTS on stdin)
// with music, ducked under the voice by sidechain compression, faded in and
// out, looped or trimmed to the lesson, and encodes the result as one ADTS
// stream of exactly m.Samples samples (priming handled as in
// SceneAudioArgs), to out.
func MixArgs(m Mix, a Audio, out string) []string {
	args := base()
	args = append(args, "-f", "aac", "-i", "pipe:0")
	if m.Loop {
		args = append(args, "-stream_loop", "-1")
	}
	args = append(args, "-i", m.Music)
	rate := a.SampleRate
	total := float64(m.Samples) / float64(rate)
	music := fmt.Sprintf("[1:a:0]aresample=%d,aformat=channel_layouts=mono,volume=%sdB,apad,atrim=end_sample=%d",
		rate, strconv.FormatFloat(m.GainDB, 'f', 2, 64), m.Samples)
	if m.FadeIn > 0 {
		music += fmt.Sprintf(",afade=t=in:d=%s", sec(math.Min(m.FadeIn, total)))
	}
	if m.FadeOut > 0 {
		fo := math.Min(m.FadeOut, total)
		music += fmt.Sprintf(",afade=t=out:st=%s:d=%s", sec(total-fo), sec(fo))
	}
	graph := music + "[m];[0:a]aresample=" + strconv.Itoa(rate) + ",aformat=channel_layouts=mono,asplit=2[v][sc];"
	if m.Duck > 0 {
		graph += fmt.Sprintf("[m][sc]sidechaincompress=threshold=%s:ratio=%g:attack=%s:release=%s:knee=2[d];",
			strconv.FormatFloat(DuckThreshold(m.Duck, m.VoiceRMS), 'f', 6, 64), duckRatio,
			strconv.FormatFloat(math.Max(m.Attack*1000, 0.01), 'f', 1, 64), strconv.FormatFloat(math.Max(m.Release*1000, 0.01), 'f', 1, 64))
	} else {
		graph += "[sc]anullsink;[m]anull[d];"
	}
	if m.MusicOnly {
		graph += "[v]anullsink;[d]anull[mix];"
	} else {
		graph += "[v][d]amix=inputs=2:normalize=0:duration=first[mix];"
	}
	graph += fmt.Sprintf("[mix]atrim=start_sample=%d:end_sample=%d[out]", AACFrame, m.Samples)
	return append(args,
		"-filter_complex", graph, "-map", "[out]",
		"-ac", "1",
		"-c:a", "aac", "-aac_coder", "fast", "-b:a", a.Bitrate,
		"-fflags", "+bitexact", "-flags:a", "+bitexact",
		"-f", "adts", out,
	)
}

func sec(f float64) string { return strconv.FormatFloat(f, 'f', 3, 64) }

// WebM describes a lesson's WebM: VP9 video as IVF on stdin, the lesson's
// AAC (ADTS) on fd 3, re-encoded to Opus.
type WebM struct {
	Subtitles string // WebVTT file, or "" for none
	Chapters  string // FFMETADATA file
	Language  string // ISO 639-2 code
	Out       string
}

// WebMArgs muxes a WebM by stream copy of the video.
func WebMArgs(m WebM) []string {
	args := append(base(), "-f", "ivf", "-i", "pipe:0", "-f", "aac", "-i", "pipe:3")
	meta := 2
	if m.Subtitles != "" {
		args = append(args, "-i", m.Subtitles)
		meta = 3
	}
	args = append(args, "-f", "ffmetadata", "-i", m.Chapters, "-map", "0:v", "-map", "1:a")
	if m.Subtitles != "" {
		args = append(args, "-map", "2:s", "-c:s", "webvtt", "-metadata:s:s:0", "language="+m.Language)
	}
	return append(args,
		"-map_metadata", strconv.Itoa(meta), "-map_chapters", strconv.Itoa(meta),
		"-c:v", "copy", "-c:a", "libopus", "-b:a", "64k",
		"-metadata:s:a:0", "language="+m.Language,
		"-fflags", "+bitexact", "-flags:a", "+bitexact",
		"-f", "webm", m.Out,
	)
}

// AudioOnlyArgs writes the lesson's AAC (ADTS on fd 3) as an M4A by stream
// copy, with the lesson's title and chapters.
func AudioOnlyArgs(chapters, language, out string) []string {
	return append(base(),
		"-f", "aac", "-i", "pipe:3",
		"-f", "ffmetadata", "-i", chapters,
		"-map", "0:a", "-map_metadata", "1", "-map_chapters", "1",
		"-c:a", "copy",
		"-metadata:s:a:0", "language="+language,
		"-movflags", "+faststart",
		"-fflags", "+bitexact",
		"-f", "ipod", out,
	)
}
