package ffmpeg

import (
	"strings"
	"testing"

	"github.com/tecno-video/tecno/internal/golden"
)

func render(args []string) []byte { return []byte(strings.Join(args, "\n") + "\n") }

func TestArgs(t *testing.T) {
	cases := map[string][]string{
		"still_1080p":     StillArgs("/cache/frame.png", DefaultVideo),
		"still_vertical":  StillArgs("frame.png", Video{Width: 1080, Height: 1920, FPS: 25, CRF: 20, Preset: "medium"}),
		"still_raw_1080p": StillRawBatchArgs([]RawStill{{YUV: "/tmp/a.yuv", Out: "/c/a/still.h264"}}, DefaultVideo),
		"still_raw_batch": StillRawBatchArgs([]RawStill{{YUV: "/tmp/a.yuv", Out: "/c/a/still.h264"}, {YUV: "/tmp/b.yuv", Out: "/c/b/still.h264"}}, DefaultVideo),
		"scene_audio":     SceneAudioArgs("/tmp/scene.wav", 25600*3, DefaultAudio, "/cache/scene.aac"),
		"scene_audio_batch": SceneAudioBatchArgs([]SceneAudio{
			{WAV: "/tmp/a.wav", Samples: 25600, Out: "/cache/a/scene.aac"},
			{WAV: "/tmp/b.wav", Samples: 51200, Out: "/cache/b/scene.aac"},
		}, DefaultAudio),
		"decode_audio": DecodeAudioArgs("voice.m4a", 48000),
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) { golden.Assert(t, render(args)) })
	}
}
