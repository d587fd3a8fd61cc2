//go:build race

package ingest

// raceEnabled lets the slowest tests shrink under the race detector, which
// makes PDF parsing about ten times slower.
const raceEnabled = true
