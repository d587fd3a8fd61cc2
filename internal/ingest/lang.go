package ingest

import (
	"strings"
	"unicode"
)

// stopwords are frequent function words per language. Words shared by
// several languages still count for each; the distinctive ones decide.
var stopwords = map[string][]string{
	"en-US": strings.Fields(`the and of to in is that for it with as was on are be by this an at from or have not but which they you we their will can has were been its would what there all if more when about into your our these than other how some them may only also should such`),
	"pt-BR": strings.Fields(`de que não uma com para os as do da em um é por mais dos das ao se na no como mas foi ele ela são ou seu sua quando muito nos já também só pelo pela até isso entre depois sem mesmo aos seus quem nas esse está você essa num nem suas meu minha numa pelos elas qual será tem há este isto aquele`),
	"es-ES": strings.Fields(`de la que el en y los del se las por un para con no una su al lo como más pero sus le ya o este sí porque esta entre cuando muy sin sobre también me hasta hay donde quien desde todo nos durante todos uno les ni contra otros ese eso ante ellos e esto mí antes algunos qué unos yo otro otras otra él tanto esa estos mucho quienes nada muchos cual poco ella estar es son está`),
	"fr-FR": strings.Fields(`de la le et les des en un une du est que qui dans pour pas au sur ne se ce il par plus sont avec aux son ses mais ou nous vous leur leurs cette été être fait comme tout elle y sa on ont était ces entre aussi dont où très sans peut`),
	"de-DE": strings.Fields(`der die und in den von zu das mit sich des auf für ist im dem nicht ein eine als auch es an werden aus er hat dass sie nach wird bei einer um am sind noch wie einem über einen so zum war haben nur oder aber vor zur bis mehr durch man sein wurde sei ich wir ihr`),
	"it-IT": strings.Fields(`di e il la che è per un in del della le non una con sono si da dei al nel alla anche gli come più ma ha delle lo questo questa ci ed se nella dal sulla tra loro essere fra sia stato molto quando degli cui hanno ne suo sua`),
	"id-ID": strings.Fields(`yang dan di ke dari ini itu dengan untuk pada adalah tidak akan dalam atau juga oleh karena ada bisa sebagai para mereka kita kami saya sudah telah dapat tersebut seperti secara lebih antara serta bahwa jika maka hanya saat masih setelah sangat bagi harus agar belum sedang lain banyak semua namun pun tentang oleh`),
}

// DetectLanguage returns the BCP 47 tag of the most likely language of
// text among en, pt, es, fr, de, it and id, and whether the guess is
// confident (enough function words were seen, and the winner is clear).
func DetectLanguage(text string) (string, bool) {
	sets := map[string]map[string]bool{}
	for lang, words := range stopwords {
		m := make(map[string]bool, len(words))
		for _, w := range words {
			m[w] = true
		}
		sets[lang] = m
	}
	score := map[string]int{}
	seen := 0
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && r != '\''
	}) {
		seen++
		if seen > 50000 {
			break
		}
		for lang, set := range sets {
			if set[w] {
				score[lang]++
			}
		}
	}
	best, second := "", ""
	for _, lang := range []string{"en-US", "pt-BR", "es-ES", "fr-FR", "de-DE", "it-IT", "id-ID"} {
		switch {
		case best == "" || score[lang] > score[best]:
			best, second = lang, best
		case second == "" || score[lang] > score[second]:
			second = lang
		}
	}
	if score[best] == 0 {
		return "en-US", false
	}
	confident := score[best] >= 5 && float64(score[best]) >= 1.2*float64(score[second])
	return best, confident
}

// baseLang returns the primary subtag ("pt" for "pt-BR").
func baseLang(tag string) string {
	tag = strings.ToLower(tag)
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		return tag[:i]
	}
	return tag
}
