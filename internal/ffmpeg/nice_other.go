//go:build !linux

package ffmpeg

func lowerPriority(int) {}
