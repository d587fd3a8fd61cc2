//go:build unix

package build

import "syscall"

// peakRSS returns the peak resident set size of this process, in KiB.
// (The figure getrusage gives for children is not used: a child forked from
// tecno starts with tecno's own high-water mark.)
func peakRSS() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return int64(ru.Maxrss)
}
