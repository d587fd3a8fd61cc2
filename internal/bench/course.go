// Package bench generates the reference courses that `make bench` builds,
// and holds the measurement helpers of cmd/tecnobench.
package bench

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

var vocabulary = strings.Fields(`course lesson module student teacher video slide template narration
audio frame render encode cache build pipeline scene chapter subtitle voice language example
question answer practice review feedback project result design pattern method system network
data model function value variable loop condition error test quality speed memory storage
simple clear useful careful modern small large quick steady bright open shared local remote`)

// Words per second of narration as espeak-ng speaks this text at its
// default rate, sentence pauses included (measured: about 135 words a
// minute), so that 20 scenes of 30 s make the 10-minute reference course.
const wordsPerSecond = 135.0 / 60

// Course writes a reference course to dir/course.yaml: one lesson of n
// bullet scenes, each with about secs seconds of narration, the given
// template, and the default offline voice. The text is pseudo-random but
// fixed by seed, so every run builds the same course.
func Course(dir string, n int, secs float64, template string, seed uint64) (string, error) {
	r := rand.New(rand.NewPCG(seed, 7))
	word := func() string { return vocabulary[r.IntN(len(vocabulary))] }
	sentence := func(words int) string {
		w := make([]string, words)
		for i := range w {
			w[i] = word()
		}
		s := strings.Join(w, " ")
		return strings.ToUpper(s[:1]) + s[1:] + "."
	}
	var b strings.Builder
	fmt.Fprintf(&b, "course:\n  title: Reference course\n  language: en-US\n  template: %s\nlessons:\n  - id: ref\n    title: Reference lesson\n    scenes:\n", template)
	perScene := int(secs * wordsPerSecond)
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "      - id: s%03d\n        layout: bullets\n        title: %q\n        bullets:\n", i+1, fmt.Sprintf("Topic %d: %s %s", i+1, word(), word()))
		for k := 0; k < 4; k++ {
			fmt.Fprintf(&b, "          - %q\n", sentence(4+r.IntN(4)))
		}
		var narr []string
		for words := 0; words < perScene; {
			k := 8 + r.IntN(8)
			narr = append(narr, sentence(k))
			words += k
		}
		fmt.Fprintf(&b, "        narration: %q\n", strings.Join(narr, " "))
	}
	path := filepath.Join(dir, "course.yaml")
	return path, os.WriteFile(path, []byte(b.String()), 0o644)
}

// Polish turns a reference course into its production variant: a 0.5 s
// crossfade into every scene and a music bed (music, a file beside the
// course) ducked under the narration. make bench compares its cold build
// with the plain course's.
func Polish(path, music string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	const anchor = "  language: en-US\n"
	s := string(data)
	if !strings.Contains(s, anchor) {
		return fmt.Errorf("%s: no course block to extend", path)
	}
	s = strings.Replace(s, anchor, anchor+"  transition: {type: crossfade, duration: 0.5}\n  music: {file: "+music+"}\n", 1)
	return os.WriteFile(path, []byte(s), 0o644)
}
