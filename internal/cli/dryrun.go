package cli

import (
	"fmt"
	"io"
	"sort"
	"text/tabwriter"

	"github.com/tecno-video/tecno/internal/build"
	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/narrate"
	"github.com/tecno-video/tecno/internal/narrate/cloud"
)

// usage is what a build would send to one provider.
type usage struct {
	Provider string  `json:"provider"`
	Scenes   int     `json:"scenes"`
	Chars    int     `json:"characters"`
	CostUSD  float64 `json:"estimated_cost_usd"`
	Note     string  `json:"note,omitempty"`
}

// estimateUsage counts the characters each provider would synthesize for the
// selected lessons (after the lexicon, pause markers included) and prices
// them. Cached scenes would cost nothing; this is the upper bound.
func estimateUsage(c *course.Course, lessons []string) []usage {
	by := map[string]*usage{}
	want := map[string]bool{}
	for _, id := range lessons {
		want[id] = true
	}
	for _, l := range c.Lessons {
		if len(want) > 0 && !want[l.ID] {
			continue
		}
		for _, s := range l.Scenes {
			if s.Narration == "" || s.NarrationAudio != "" {
				continue
			}
			v := build.ResolveVoice(c, l, s)
			u := by[v.Provider]
			if u == nil {
				u = &usage{Provider: v.Provider}
				by[v.Provider] = u
			}
			u.Scenes++
			u.Chars += len([]rune(narrate.ApplyLexicon(s.Narration, c.Lexicon)))
			if u.Note == "" {
				u.Note = v.Model
			}
		}
	}
	var out []usage
	for _, u := range by {
		cost, note := cloud.EstimateCost(u.Provider, u.Chars, u.Note)
		u.CostUSD, u.Note = cost, note
		out = append(out, *u)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Provider < out[j].Provider })
	return out
}

func printUsage(w io.Writer, us []usage) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PROVIDER\tSCENES\tCHARACTERS\tEST. COST (USD)\tNOTE")
	total := 0.0
	for _, u := range us {
		fmt.Fprintf(tw, "%s\t%d\t%d\t$%.2f\t%s\n", u.Provider, u.Scenes, u.Chars, u.CostUSD, u.Note)
		total += u.CostUSD
	}
	fmt.Fprintf(tw, "total\t\t\t$%.2f\t(upper bound: cached scenes cost nothing)\n", total)
	tw.Flush()
}
