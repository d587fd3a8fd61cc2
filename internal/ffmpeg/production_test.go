package ffmpeg

import (
	"math"
	"testing"

	"github.com/tecno-video/tecno/internal/golden"
)

func TestProductionArgs(t *testing.T) {
	v := Video{Width: 640, Height: 360, FPS: 30, CRF: 18, Preset: "slow"}
	mix := Mix{Music: "/c/bed.mp3", Loop: true, GainDB: -17.5, Duck: 10, Attack: 0.05, Release: 0.6, FadeIn: 2, FadeOut: 3,
		Samples: 48000 * 60, VoiceRMS: -21, InputRate: 22050}
	noDuck := mix
	noDuck.Duck, noDuck.Loop, noDuck.MusicOnly = 0, false, true
	cases := map[string][]string{
		"transition_h264":   TransitionArgs(Transition{Frames: 15, Codec: CodecH264, Preset: FastClipPreset, ExtraParams: FastClipParams}, v),
		"transition_vp9":    TransitionArgs(Transition{Frames: 9, Codec: CodecVP9}, v),
		"vp9_still":         VP9StillArgs("/c/frame.png", v),
		"clip_video":        ClipVideoArgs("/c/intro.mov", 64, CodecH264, v),
		"clip_audio":        ClipAudioArgs("/c/intro.mov", true, 64*1600, DefaultAudio, "/c/scene.aac"),
		"clip_audio_silent": ClipAudioArgs("/c/intro.mov", false, 64*1600, DefaultAudio, "/c/scene.aac"),
		"mix":               MixArgs(mix, DefaultAudio, "/c/lesson.aac"),
		"mix_music_only":    MixArgs(noDuck, DefaultAudio, "/c/lesson.aac"),
		"webm":              WebMArgs(WebM{Subtitles: "/c/lesson.srt", Chapters: "/c/chapters.txt", Language: "eng", Out: "/c/lesson.webm", Tracks: []SubtitleTrack{{"/c/pt.srt", "por"}}}),
		"audio_only":        AudioOnlyArgs("/c/chapters.txt", "por", "/c/lesson.m4a"),
		"loudness":          LoudnessArgs("/c/bed.mp3"),
		"resample":          ResampleArgs(22050, 48000),
		"decode_frames":     DecodeFramesArgs([]FrameDecode{{In: "/c/a/still.h264", Out: "/tmp/a.yuv"}, {In: "/c/b/still.h264", Out: "/tmp/b.yuv"}}),
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) { golden.Assert(t, render(args)) })
	}
}

// TestDuckThreshold checks the threshold formula: a compressor of ratio r
// above threshold T lowers a signal at level L by (L-T)(1-1/r), so at the
// voice's level the music dips by the asked amount.
func TestDuckThreshold(t *testing.T) {
	for _, duck := range []float64{6, 10, 14} {
		th := 20 * math.Log10(DuckThreshold(duck, -21))
		if got := (-21 - th) * (1 - 1/duckRatio); math.Abs(got-duck) > 0.01 {
			t.Errorf("duck %g: threshold %.2f dB gives %.2f dB", duck, th, got)
		}
	}
	if DuckThreshold(200, -21) < 0.000976 {
		t.Error("threshold below ffmpeg's minimum")
	}
}
