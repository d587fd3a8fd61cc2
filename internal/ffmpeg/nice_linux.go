package ffmpeg

import "syscall"

// lowerPriority makes a child 5 nice steps lower in priority than tecno.
// ffmpeg is still loading its libraries when this runs, so the threads it
// starts inherit it. A failure only loses the hint.
func lowerPriority(pid int) {
	// The raw getpriority system call answers 20 - nice.
	raw, err := syscall.Getpriority(syscall.PRIO_PROCESS, 0)
	if err != nil {
		return
	}
	_ = syscall.Setpriority(syscall.PRIO_PROCESS, pid, min(20-raw+5, 19))
}
