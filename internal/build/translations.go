package build

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/tecno-video/tecno/internal/cache"
	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/fault"
	"github.com/tecno-video/tecno/internal/subtitle"
)

// translation is a lesson's subtitles in another language, from a file the
// course provides (timed by whoever translated, against the lesson video).
type translation struct {
	Lang string `json:"lang"` // BCP 47 tag
	Hash string `json:"hash"`
	cues []subtitle.Cue
}

// translations reads a lesson's translated subtitle files, in language
// order.
func (b *builder) translations(l *course.Lesson) ([]translation, error) {
	langs := make([]string, 0, len(l.Translations))
	for lang := range l.Translations {
		langs = append(langs, lang)
	}
	sort.Strings(langs)
	var out []translation
	for _, lang := range langs {
		file := l.Translations[lang]
		path := b.c.Resolve(file)
		fail := func(format string, args ...any) error {
			e := fault.New(fault.Input, format, args...)
			e.File = b.c.Path
			if p, ok := b.c.Positions[fmt.Sprintf("lessons.%d.translations.%s", b.lessonIndex(l), lang)]; ok {
				e.Line, e.Col = p.Line, p.Col
			}
			return e
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fail("cannot read translation %s: %v", file, unwrapPath(err))
		}
		var cues []subtitle.Cue
		if strings.EqualFold(filepath.Ext(path), ".vtt") {
			cues, err = subtitle.ParseVTT(bytes.NewReader(data))
		} else {
			cues, err = subtitle.ParseSRT(bytes.NewReader(data))
		}
		if err != nil {
			return nil, fail("translation %s: %v", file, err)
		}
		out = append(out, translation{Lang: lang, Hash: cache.Key(string(data)), cues: cues})
	}
	return out, nil
}

// fit drops the cues that start after the lesson ends and shortens the
// last ones to it; it reports how many were cut.
func (t translation) fit(duration float64) ([]subtitle.Cue, int) {
	var out []subtitle.Cue
	cut := 0
	for _, c := range t.cues {
		if c.Start >= duration {
			cut++
			continue
		}
		if c.End > duration {
			c.End = duration
			cut++
		}
		out = append(out, c)
	}
	return out, cut
}

// file names of a translation's subtitle files in a join entry.
func (t translation) srtName() string { return "lesson." + t.Lang + ".srt" }
func (t translation) vttName() string { return "lesson." + t.Lang + ".vtt" }

// trackLanguage is the ISO 639-2 code of a track.
func trackLanguage(tag string) string { return iso6392(tag) }
