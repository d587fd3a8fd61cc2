//go:build unix

package build

import "syscall"

// peakRSS returns the peak resident set size, in KiB, of this process and
// of its largest finished child (ffmpeg, espeak-ng).
func peakRSS() (self, children int64) {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		self = int64(ru.Maxrss)
	}
	if syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru) == nil {
		children = int64(ru.Maxrss)
	}
	return self, children
}
