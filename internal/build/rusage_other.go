//go:build !unix

package build

func peakRSS() int64 { return 0 }
