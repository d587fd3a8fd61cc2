package avatar

import (
	"fmt"
	"math"
	"sort"

	"github.com/tecno-video/tecno/internal/course"
)

// D-ID pricing used by the estimates. D-ID sells talking-head video by the
// minute on monthly plans that API and Studio share; the Pro plan is $48
// a month for 30 minutes (d-id.com/pricing/api, as summarised by a stored
// public copy dated 2026-06-12 and read 2026-11-28: Lite $5.90/10 min with
// a watermark, Pro $48/30 min, Advanced $299/65 min). D-ID has long
// counted usage in credits of 15 seconds, each video rounded up; that unit
// is kept as the credit count shown, and is the least certain figure here.
// These are ESTIMATES for --dry-run: plans, overage and currency change
// what is billed.
const (
	DIDUSDPerMinute = 48.0 / 30
	DIDCreditSecs   = 15
	DIDPricesRead   = "2026-11-28"
)

// WordsPerSecond is the speaking rate assumed for a scene whose narration
// has not been synthesized yet (150 words a minute at rate 1.0).
const WordsPerSecond = 2.5

// SpeechSeconds estimates how long narration of words words lasts at rate
// (1.0 is normal speed).
func SpeechSeconds(words int, rate float64) float64 {
	if rate <= 0 {
		rate = 1
	}
	return float64(words) / WordsPerSecond / rate
}

// ClipEstimate is the expected usage of one avatar provider.
type ClipEstimate struct {
	Provider string  `json:"provider"`
	Scenes   int     `json:"scenes"`
	Seconds  float64 `json:"seconds"` // of talking video
	// Measured counts the scenes whose length came from narration already
	// synthesized (in the cache); the rest are word-count estimates.
	Measured int     `json:"measured"`
	Credits  int     `json:"credits,omitempty"`
	CostUSD  float64 `json:"estimated_cost_usd"`
	Note     string  `json:"note,omitempty"`
}

// SpeechFunc returns how long a scene's narration lasts, and whether that
// was measured (cached audio) rather than estimated.
type SpeechFunc func(l *course.Lesson, s *course.Scene) (seconds float64, measured bool)

// Estimate sums, per avatar provider, the talking video the selected
// lessons would make (every lesson when lessons is empty): scenes with an
// avatar and narration. D-ID is priced (see DIDUSDPerMinute); the local
// presenter is free. Cached clips would cost nothing; this is the upper
// bound.
func Estimate(c *course.Course, lessons []string, speech SpeechFunc) []ClipEstimate {
	want := map[string]bool{}
	for _, id := range lessons {
		want[id] = true
	}
	by := map[string]*ClipEstimate{}
	for _, l := range c.Lessons {
		if len(want) > 0 && !want[l.ID] {
			continue
		}
		for _, s := range l.Scenes {
			a := s.AvatarFor(c)
			if a == nil || (s.Narration == "" && s.NarrationAudio == "") {
				continue
			}
			e := by[a.Provider]
			if e == nil {
				e = &ClipEstimate{Provider: a.Provider}
				by[a.Provider] = e
			}
			secs, measured := speech(l, s)
			e.Scenes++
			e.Seconds += secs
			if measured {
				e.Measured++
			}
			if a.Provider == "d-id" {
				e.Credits += int(math.Ceil(secs / DIDCreditSecs))
			}
		}
	}
	var out []ClipEstimate
	for _, e := range by {
		e.Seconds = math.Round(e.Seconds*10) / 10
		switch e.Provider {
		case "d-id":
			e.CostUSD = math.Round(e.Seconds/60*DIDUSDPerMinute*100) / 100
			e.Note = fmt.Sprintf("estimate: D-ID Pro plan rate, $%.2f per minute; %d-second credits (prices read %s)",
				DIDUSDPerMinute, DIDCreditSecs, DIDPricesRead)
		case LocalName:
			e.Note = "local presenter: no service, no cost"
		}
		out = append(out, *e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Provider < out[j].Provider })
	return out
}
