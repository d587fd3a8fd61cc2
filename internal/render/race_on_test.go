//go:build race

package render

// raceEnabled lets pixel-heavy tests check fewer frame sizes under the race
// detector, which slows pixel loops tenfold without finding more there.
const raceEnabled = true
