package doctor

import (
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/tecno-video/tecno/internal/course"
)

// samples holds, per primary language subtag, text that uses the letters
// a course in that language needs beyond plain ASCII.
var samples = map[string]string{
	"pt": "Ação, lição, você, à", "es": "Año, lección, ¿qué?", "fr": "Leçon, élève, cœur, «", "de": "Übung, Straße, Äpfel",
	"it": "Perché, città", "ca": "Lliçó, l·l", "pl": "Zażółć gęślą jaźń", "cs": "Příliš žluťoučký kůň", "sk": "Ďateľ, ľúbiť",
	"ro": "Lecție, școală", "hu": "Árvíztűrő tükörfúrógép", "tr": "Ders, ığüşöç İ", "vi": "Tiếng Việt có dấu",
	"nl": "Ĳsland, één", "sv": "Lektion, åäö", "da": "Lektion, æøå", "nb": "Leksjon, æøå", "nn": "Leksjon, æøå", "fi": "Oppitunti, äö",
	"is": "Kennslustund, þð", "lt": "Pamoka, ąčęėįšųūž", "lv": "Nodarbība, āčēģīķļņšūž", "et": "Õppetund, õäöü",
	"hr": "Lekcija, čćđšž", "sl": "Lekcija, čšž", "sq": "Mësim, ç", "eo": "Leciono, ĉĝĥĵŝŭ",
	"ru": "Привет, урок", "uk": "Привіт, урок, ї є ґ", "bg": "Урок, ъ", "sr": "Лекција, ђ ћ џ", "mk": "Лекција, ѓ ќ ѕ",
	"be": "Урок, ў і", "kk": "Сабақ, ә ғ қ ң ө ұ ү һ", "el": "Μάθημα, γειά σου",
	"ja": "日本語のレッスン、ひらがな、カタカナ", "zh": "中文课程，汉字", "ko": "한국어 수업",
	"ar": "درس اللغة العربية", "fa": "درس فارسی", "ur": "اردو سبق", "he": "שיעור בעברית",
	"hi": "हिन्दी पाठ", "mr": "मराठी धडा", "ne": "नेपाली पाठ", "bn": "বাংলা পাঠ", "ta": "தமிழ் பாடம்", "te": "తెలుగు పాఠం",
	"th": "บทเรียนภาษาไทย", "ka": "ქართული გაკვეთილი", "hy": "Հայերեն դաս", "am": "የአማርኛ ትምህርት",
}

// complexScripts need shaping (joining, reordering, right-to-left) that
// tecno's text drawing does not do yet: glyphs are placed one by one, left
// to right.
var complexScripts = map[string]bool{
	"Arabic": true, "Hebrew": true, "Devanagari": true, "Bengali": true, "Tamil": true, "Telugu": true,
	"Thai": true,
}

// sampleFor returns the sample text for a language tag, with the
// traditional Han forms for Taiwan and Hong Kong.
func sampleFor(lang string) string {
	l := strings.ToLower(lang)
	primary, _, _ := strings.Cut(l, "-")
	if primary == "zh" && (strings.Contains(l, "hant") || strings.HasSuffix(l, "-tw") || strings.HasSuffix(l, "-hk") || strings.HasSuffix(l, "-mo")) {
		return "中文課程，漢字"
	}
	return samples[primary]
}

// fontCheck checks that some font draws every letter of the course
// language's sample text.
func fontCheck(o Options) Check {
	lang := course.DefaultLanguage
	if o.Course != nil && o.Course.Language != "" {
		lang = o.Course.Language
	}
	c := Check{Name: "fonts (" + lang + ")"}
	text := "Aa" + sampleFor(lang)
	var missing []rune
	fonts := map[string]bool{}
	scripts := map[string]bool{}
	seen := map[rune]bool{}
	for _, r := range text {
		if seen[r] || unicode.IsSpace(r) || unicode.IsPunct(r) && r < 0x80 {
			continue
		}
		seen[r] = true
		if s := scriptName(r); s != "" {
			scripts[s] = true
		}
		name, ok := o.FontFor(r, lang)
		if !ok {
			missing = append(missing, r)
			continue
		}
		fonts[name] = true
	}
	if len(missing) > 0 {
		c.Status = Fail
		c.Message = fmt.Sprintf("no installed font draws %q", string(missing))
		c.Fix = fontFix(missing)
		return c
	}
	names := make([]string, 0, len(fonts))
	for n := range fonts {
		names = append(names, n)
	}
	sort.Strings(names)
	c.Status = OK
	c.Message = strings.Join(names, ", ")
	for s := range scripts {
		if complexScripts[s] {
			c.Status = Warn
			c.Message += fmt.Sprintf("; %s text needs shaping that tecno does not do yet, so slides may show it wrongly (narration and subtitles are fine)", s)
			c.Fix = "check a built frame (tecno build, then look at out/*.png); use narration_audio or images of the text meanwhile"
			break
		}
	}
	return c
}

// scriptName names r's script when it is not Latin or common.
func scriptName(r rune) string {
	for _, name := range []string{"Han", "Hiragana", "Katakana", "Hangul", "Cyrillic", "Greek", "Arabic", "Hebrew",
		"Devanagari", "Bengali", "Tamil", "Telugu", "Thai", "Georgian", "Armenian", "Ethiopic"} {
		if unicode.Is(unicode.Scripts[name], r) {
			return name
		}
	}
	return ""
}

// fontFix names the font package that covers the missing letters.
func fontFix(missing []rune) string {
	for _, r := range missing {
		switch scriptName(r) {
		case "Han", "Hiragana", "Katakana", "Hangul":
			return "sudo apt-get install -y fonts-noto-cjk   (macOS: the system fonts cover it)"
		}
	}
	return "sudo apt-get install -y fonts-noto-core   (macOS: the system fonts cover it)"
}
