//go:build !unix

package doctor

// freeBytes is not implemented on this system.
func freeBytes(dir string) (uint64, bool) { return 0, false }
