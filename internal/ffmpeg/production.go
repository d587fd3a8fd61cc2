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

// Codecs of a lesson's video stream.
const (
	CodecH264 = "h264"
	CodecVP9  = "vp9"
)

// Transition describes the encode of one transition's frames.
type Transition struct {
	Frames int    // frames to encode
	Codec  string // CodecH264 or CodecVP9
	// Preset and ExtraParams select the x264 speed; the parameter sets
	// must come out identical to the stills' (the caller checks and falls
	// back to the stills' own preset).
	Preset      string
	ExtraParams string
}

// TransitionArgs encodes t.Frames raw I420 frames at the output size
// (stdin; package transition draws them, already in the stills' colour
// space) on stdout: Annex B H.264, or IVF VP9.
func TransitionArgs(t Transition, v Video) []string {
	args := append(base(),
		"-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", fmt.Sprintf("%dx%d", v.Width, v.Height),
		"-framerate", strconv.Itoa(v.FPS), "-i", "pipe:0",
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

// FastClipPreset and FastClipParams encode transition frames quickly. The
// stills' slow preset with tune stillimage lowers the chroma QP offset by 4
// (psy-rd and psy-trellis); "superfast" has no trellis, so asking for -4
// outright gives the same picture parameter set, and the sequence
// parameter set does not depend on the preset at these settings. When a
// build of x264 disagrees, the caller sees other parameter sets and falls
// back to the stills' preset.
const (
	FastClipPreset = "superfast"
	FastClipParams = ":chroma-qp-offset=-4"
)

// FrameDecode is one picture to decode: the first picture of a video file
// (an encoded still), written to Out as raw YUV 4:2:0.
type FrameDecode struct {
	In, Out string
}

// DecodeFramesArgs decodes several pictures in one ffmpeg process (see
// SceneAudioBatchArgs for why).
func DecodeFramesArgs(frames []FrameDecode) []string {
	args := base()
	for _, f := range frames {
		args = append(args, "-i", f.In)
	}
	for i, f := range frames {
		args = append(args, "-map", fmt.Sprintf("%d:v:0", i), "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "yuv420p", "-y", f.Out)
	}
	return args
}

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
	args = append(args,
		"-af", fmt.Sprintf("aresample=%d,aformat=channel_layouts=mono,adelay=%d:all=1,apad,atrim=start_sample=%d:end_sample=%d",
			a.SampleRate, AACFrame*1000/a.SampleRate, AACFrame, samples))
	return append(args, adtsOut(a, out)...)
}

// ResampleArgs converts mono 16-bit PCM from one rate to another, stdin
// to stdout.
func ResampleArgs(from, to int) []string {
	return append(base(), "-f", "s16le", "-ar", strconv.Itoa(from), "-ac", "1", "-i", "pipe:0",
		"-af", "aresample="+strconv.Itoa(to), "-f", "s16le", "-ac", "1", "pipe:1")
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
	Music   string  // music file
	Loop    bool    // repeat the music to fill the lesson
	GainDB  float64 // gain bringing the music to its level under the voice
	Duck    float64 // dB the music dips while the voice speaks; 0: no ducking
	Attack  float64 // seconds
	Release float64 // seconds
	FadeIn  float64 // seconds
	FadeOut float64 // seconds
	Samples int     // lesson length in samples (at the output rate)
	// InputRate is the sample rate of the voice on stdin; the mix
	// resamples it to the output rate.
	InputRate int
	VoiceRMS  float64 // dBFS RMS of the narration while speaking, for the ducking threshold

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

// MixArgs mixes the lesson's narration (16-bit PCM at a.SampleRate on stdin)
// with music, ducked under the voice by sidechain compression, faded in and
// out, looped or trimmed to the lesson, and encodes the result as one ADTS
// stream of exactly m.Samples samples (priming handled as in
// SceneAudioArgs), to out.
func MixArgs(m Mix, a Audio, out string) []string {
	args := base()
	in := m.InputRate
	if in == 0 {
		in = a.SampleRate
	}
	args = append(args, "-thread_queue_size", strconv.Itoa(pipeQueue),
		"-f", "s16le", "-ar", strconv.Itoa(in), "-ac", "1", "-i", "pipe:0")
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
	graph := music + "[m];[0:a]aresample=" + strconv.Itoa(rate) + ",asplit=2[v][sc];"
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
	// Resampling may leave the voice a few samples short: pad, then cut
	// to the exact length.
	graph += fmt.Sprintf("[mix]apad,atrim=start_sample=%d:end_sample=%d[out]", AACFrame, m.Samples)
	args = append(args, "-filter_complex", graph, "-map", "[out]")
	return append(args, adtsOut(a, out)...)
}

func sec(f float64) string { return strconv.FormatFloat(f, 'f', 3, 64) }

// WebM describes a lesson's WebM: VP9 video as IVF on stdin, the lesson's
// AAC (ADTS) on fd 3, re-encoded to Opus.
type WebM struct {
	Subtitles string // SRT file, or "" for none
	Chapters  string // FFMETADATA file
	Language  string // ISO 639-2 code
	Out       string
	Tracks    []SubtitleTrack // more subtitle tracks (SRT)
}

// WebMArgs muxes a WebM by stream copy of the video; subtitles become
// WebVTT tracks. The matroska muxer writes tool names even with +bitexact;
// package build blanks them afterwards.
func WebMArgs(m WebM) []string {
	q := strconv.Itoa(pipeQueue)
	args := append(base(), "-thread_queue_size", q, "-f", "ivf", "-i", "pipe:0", "-thread_queue_size", q, "-f", "aac", "-i", "pipe:3")
	subs := subtitleTracks(m.Subtitles, m.Language, m.Tracks)
	for _, s := range subs {
		args = append(args, "-f", "srt", "-i", s.File)
	}
	meta := 2 + len(subs)
	args = append(args, "-f", "ffmetadata", "-i", m.Chapters, "-map", "0:v", "-map", "1:a")
	for i := range subs {
		args = append(args, "-map", strconv.Itoa(2+i)+":s")
	}
	if len(subs) > 0 {
		args = append(args, "-c:s", "webvtt")
	}
	for i, s := range subs {
		args = append(args, "-metadata:s:s:"+strconv.Itoa(i), "language="+s.Language)
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
		"-thread_queue_size", strconv.Itoa(pipeQueue), "-f", "aac", "-i", "pipe:3",
		"-f", "ffmetadata", "-i", chapters,
		"-map", "0:a", "-map_metadata", "1", "-map_chapters", "1",
		"-c:a", "copy",
		"-metadata:s:a:0", "language="+language,
		"-movflags", "+faststart",
		"-fflags", "+bitexact",
		"-f", "ipod", out,
	)
}
