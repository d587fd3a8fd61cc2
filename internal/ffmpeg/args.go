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
	), stillEncode(v, "pipe:1")...)
}

// RawStill is one picture to encode: a file of planar YUV 4:2:0 at the
// output size, and the Annex B file to write.
type RawStill struct {
	YUV string
	Out string
}

// StillRawBatchArgs encodes pictures already converted to planar YUV 4:2:0
// (BT.709, limited range) at the output size, so ffmpeg neither decodes a
// PNG nor converts colours. Several go in one ffmpeg process, each with
// its own encoder, so each output is byte for byte what a process of its
// own makes of it (see SceneAudioBatchArgs for why).
func StillRawBatchArgs(stills []RawStill, v Video) []string {
	args := base()
	for _, s := range stills {
		args = append(args, rawInput(v, s.YUV)...)
	}
	for i, s := range stills {
		args = append(args, "-map", fmt.Sprintf("%d:v:0", i))
		args = append(args, stillEncode(v, s.Out)...)
	}
	return args
}

func rawInput(v Video, in string) []string {
	return []string{
		"-f", "rawvideo", "-pix_fmt", "yuv420p",
		"-s", fmt.Sprintf("%dx%d", v.Width, v.Height),
		"-framerate", strconv.Itoa(v.FPS),
		"-i", in,
	}
}

// stillEncode is the encoding half of the still arguments.
func stillEncode(v Video, out string) []string {
	return []string{
		"-frames:v", "1",
		"-c:v", "libx264",
		// One thread: the picture does not depend on the machine's core
		// count (x264 records its thread count in the stream), and a
		// batch of stills runs beside other work anyway.
		"-threads", "1",
		"-preset", v.Preset,
		"-tune", "stillimage",
		"-crf", strconv.Itoa(v.CRF),
		"-profile:v", "high",
		"-bf", "0",
		"-g", "300",
		"-x264-params", "cabac=0:stitchable=1:weightp=0:ref=1",
		"-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv",
		"-f", "h264", out,
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
