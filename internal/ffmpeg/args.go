package ffmpeg

import (
	"fmt"
	"strconv"
)

// Video encoding settings shared by every still of a lesson. They must be
// identical across a lesson so that the stills' parameter sets match.
type Video struct {
	Width, Height int
	FPS           int
	CRF           int    // x264 constant rate factor, lower is better
	Preset        string // x264 preset for the one IDR picture encoded per distinct picture
}

// DefaultVideo is the default 1080p30 output. The preset is medium: on a
// 1080p slide it measures a higher SSIM than slow at the same CRF (0.9969
// against 0.9965; the IDR is larger, but there is one every 10 s) for
// about a third of the encoder's CPU time.
var DefaultVideo = Video{Width: 1920, Height: 1080, FPS: 30, CRF: 18, Preset: "medium"}

// Audio settings.
type Audio struct {
	SampleRate int    // output sample rate
	Quality    string // AAC VBR quality (ffmpeg's -q:a for its aac encoder, 0.1–2)
}

// DefaultAudio is mono AAC-LC at 48 kHz, variable bit rate at ffmpeg's
// top quality. On 11 minutes of speech it measures 40.1 dB SNR at 118
// kb/s, against 37.8 dB for constant 96 kb/s at the same size, and it
// encodes 1.7 times faster: constant bit rate makes the encoder search
// each frame's quantizers again until the frame fits.
var DefaultAudio = Audio{SampleRate: 48000, Quality: "2"}

// adtsOut encodes the filtered sound as mono AAC, bit-exact, to an ADTS
// stream at out.
func adtsOut(a Audio, out string) []string {
	return []string{"-ac", "1",
		"-c:a", "aac", "-aac_coder", "fast", "-q:a", a.Quality,
		"-fflags", "+bitexact", "-flags:a", "+bitexact",
		"-f", "adts", out}
}

// AACFrame is the number of samples in one AAC-LC frame, and the encoder
// delay ffmpeg's AAC encoder adds at the start of every stream.
const AACFrame = 1024

func base() []string { return []string{"-hide_banner", "-nostdin", "-v", "error"} }

// StillArgs encodes one PNG frame as a single CAVLC IDR picture on stdout
// (Annex B), ready to be extended with skip frames by package h264. The
// colour conversion is BT.709 limited range, tagged in the stream.
func StillArgs(png string, v Video) []string {
	return append(append(base(),
		"-framerate", strconv.Itoa(v.FPS),
		"-i", png,
		"-vf", fmt.Sprintf("scale=%d:%d:flags=lanczos:out_color_matrix=bt709:out_range=tv,format=yuv420p", v.Width, v.Height),
	), stillEncode(v)...)
}

// StillRawArgs is StillArgs for a picture already converted to planar
// YUV 4:2:0 (BT.709, limited range) at the output size, read from stdin:
// ffmpeg neither decodes a PNG nor converts colours.
func StillRawArgs(v Video) []string {
	return append(append(base(),
		"-f", "rawvideo", "-pix_fmt", "yuv420p",
		"-s", fmt.Sprintf("%dx%d", v.Width, v.Height),
		"-framerate", strconv.Itoa(v.FPS),
		"-i", "pipe:0",
	), stillEncode(v)...)
}

// stillEncode is the encoding half of the still arguments.
func stillEncode(v Video) []string {
	return []string{
		"-frames:v", "1",
		"-c:v", "libx264",
		"-preset", v.Preset,
		"-tune", "stillimage",
		"-crf", strconv.Itoa(v.CRF),
		"-profile:v", "high",
		"-bf", "0",
		"-g", "300",
		"-x264-params", "cabac=0:stitchable=1:weightp=0:ref=1",
		"-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv",
		"-f", "h264", "pipe:1",
	}
}

// SceneAudio is one scene's sound to encode: a WAV file whose first
// AACFrame samples (at the output rate) are silence.
type SceneAudio struct {
	WAV     string
	Samples int    // output samples once decoded
	Out     string // ADTS file
}

// SceneAudioArgs encodes a scene's narration WAV to AAC (ADTS) with exactly
// samples output samples once decoded, counting the encoder delay: the
// first AACFrame samples of the input (silence by construction) are dropped
// because the encoder's priming frame stands in for them. Segments made this
// way join by plain concatenation without drift.
func SceneAudioArgs(wav string, samples int, a Audio, out string) []string {
	return SceneAudioBatchArgs([]SceneAudio{{WAV: wav, Samples: samples, Out: out}}, a)
}

// SceneAudioBatchArgs encodes several scenes' sound in one ffmpeg process,
// each with its own encoder, so each output is byte for byte what
// SceneAudioArgs makes of it alone. Starting ffmpeg (it loads some two
// hundred shared libraries) costs about as much CPU as encoding five
// seconds of sound; a batch pays it once.
func SceneAudioBatchArgs(scenes []SceneAudio, a Audio) []string {
	args := base()
	for _, s := range scenes {
		args = append(args, "-i", s.WAV)
	}
	for i, s := range scenes {
		args = append(args, "-map", fmt.Sprintf("%d:a:0", i),
			"-af", fmt.Sprintf("aresample=%d,apad,atrim=start_sample=%d:end_sample=%d", a.SampleRate, AACFrame, s.Samples))
		args = append(args, adtsOut(a, s.Out)...)
	}
	return args
}

// DecodeAudioArgs decodes any audio file to mono 16-bit PCM at rate on
// stdout.
func DecodeAudioArgs(in string, rate int) []string {
	return append(base(), "-i", in, "-vn", "-ac", "1", "-ar", strconv.Itoa(rate), "-f", "s16le", "pipe:1")
}

// Mux describes the final join of a lesson.
type Mux struct {
	// Video arrives as IVF on stdin; audio as ADTS on fd 3.
	Subtitles string // SRT file, or "" for none
	Chapters  string // FFMETADATA file with the title and chapters
	Language  string // ISO 639-2 code for the audio and subtitle streams
	Out       string
	// Tracks are more subtitle tracks (SRT), in other languages.
	Tracks []SubtitleTrack
}

// SubtitleTrack is a subtitle file in a language.
type SubtitleTrack struct {
	File     string
	Language string // ISO 639-2
}

// pipeQueue is the packet queue of each piped input. ffmpeg reads every
// input in its own thread and its main loop sleeps 10 ms whenever the
// input it needs next has an empty queue; with the default 8 packets a
// stream of one-packet skip frames would crawl at about 800 frames a
// second. A deep queue lets the reader run ahead.
const pipeQueue = 8192

// subtitleTracks lists a mux's subtitle files: the main one, then the
// others.
func subtitleTracks(main, lang string, more []SubtitleTrack) []SubtitleTrack {
	var subs []SubtitleTrack
	if main != "" {
		subs = append(subs, SubtitleTrack{File: main, Language: lang})
	}
	return append(subs, more...)
}

// MuxArgs joins the lesson by stream copy into a fast-start MP4.
func MuxArgs(m Mux) []string {
	args := append(base(),
		"-thread_queue_size", strconv.Itoa(pipeQueue), "-f", "ivf", "-i", "pipe:0",
		"-thread_queue_size", strconv.Itoa(pipeQueue), "-f", "aac", "-i", "pipe:3",
	)
	subs := subtitleTracks(m.Subtitles, m.Language, m.Tracks)
	for _, s := range subs {
		args = append(args, "-f", "srt", "-i", s.File)
	}
	meta := 2 + len(subs)
	args = append(args, "-f", "ffmetadata", "-i", m.Chapters,
		"-map", "0:v", "-map", "1:a")
	for i := range subs {
		args = append(args, "-map", strconv.Itoa(2+i)+":s")
	}
	args = append(args,
		"-map_metadata", strconv.Itoa(meta), "-map_chapters", strconv.Itoa(meta),
		"-c:v", "copy", "-c:a", "copy")
	if len(subs) > 0 {
		args = append(args, "-c:s", "mov_text")
	}
	for i, s := range subs {
		args = append(args, "-metadata:s:s:"+strconv.Itoa(i), "language="+s.Language)
	}
	return append(args,
		"-metadata:s:a:0", "language="+m.Language,
		"-movflags", "+faststart",
		"-fflags", "+bitexact",
		"-f", "mp4", m.Out,
	)
}
