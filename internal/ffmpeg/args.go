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
	Preset        string // x264 preset; one frame is encoded per scene, so slow presets are cheap
}

// DefaultVideo is the default 1080p30 output.
var DefaultVideo = Video{Width: 1920, Height: 1080, FPS: 30, CRF: 18, Preset: "slow"}

// Audio settings.
type Audio struct {
	SampleRate int    // output sample rate
	Bitrate    string // AAC bitrate, e.g. "96k"
}

// DefaultAudio is mono AAC-LC at 48 kHz.
var DefaultAudio = Audio{SampleRate: 48000, Bitrate: "96k"}

// AACFrame is the number of samples in one AAC-LC frame, and the encoder
// delay ffmpeg's AAC encoder adds at the start of every stream.
const AACFrame = 1024

func base() []string { return []string{"-hide_banner", "-nostdin", "-v", "error"} }

// StillArgs encodes one PNG frame as a single CAVLC IDR picture on stdout
// (Annex B), ready to be extended with skip frames by package h264. The
// colour conversion is BT.709 limited range, tagged in the stream.
func StillArgs(png string, v Video) []string {
	return append(base(),
		"-framerate", strconv.Itoa(v.FPS),
		"-i", png,
		"-vf", fmt.Sprintf("scale=%d:%d:flags=lanczos:out_color_matrix=bt709:out_range=tv,format=yuv420p", v.Width, v.Height),
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
	)
}

// SceneAudioArgs encodes a scene's narration WAV to AAC (ADTS) with exactly
// samples output samples once decoded, counting the encoder delay: the
// first AACFrame samples of the input (silence by construction) are dropped
// because the encoder's priming frame stands in for them. Segments made this
// way join by plain concatenation without drift.
func SceneAudioArgs(wav string, samples int, a Audio, out string) []string {
	return append(base(),
		"-i", wav,
		"-af", fmt.Sprintf("aresample=%d,apad,atrim=start_sample=%d:end_sample=%d", a.SampleRate, AACFrame, samples),
		"-ac", "1",
		"-c:a", "aac", "-aac_coder", "fast", "-b:a", a.Bitrate,
		"-fflags", "+bitexact", "-flags:a", "+bitexact",
		"-f", "adts", out,
	)
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
