package ingest

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tecno-video/tecno/internal/course"
)

// phrases holds the words narration is composed with, per language.
type phrases struct {
	slide   string // "This slide covers %s."
	section string // "This section covers %s."
	picture string // "This picture illustrates %s."
	table   string // "This table shows %s."
	first   string
	next    string
	last    string
	ordinal []string // for numbered lists
	also    string   // "It also covers %s." (sub-points)
}

var phraseBook = map[string]phrases{
	"en": {slide: "This slide covers %s.", section: "This section covers %s.", picture: "This picture illustrates %s.", table: "This table shows %s.",
		first: "First, ", next: "Next, ", last: "Finally, ", ordinal: []string{"First, ", "Second, ", "Third, ", "Fourth, ", "Fifth, ", "Sixth, ", "Seventh, ", "Eighth, ", "Ninth, ", "Tenth, "}, also: "This includes %s."},
	"pt": {slide: "Este slide trata de %s.", section: "Esta seção trata de %s.", picture: "Esta imagem ilustra %s.", table: "Esta tabela mostra %s.",
		first: "Primeiro, ", next: "Em seguida, ", last: "Por fim, ", ordinal: []string{"Primeiro, ", "Segundo, ", "Terceiro, ", "Quarto, ", "Quinto, ", "Sexto, ", "Sétimo, ", "Oitavo, ", "Nono, ", "Décimo, "}, also: "Isso inclui %s."},
	"es": {slide: "Esta diapositiva trata sobre %s.", section: "Esta sección trata sobre %s.", picture: "Esta imagen ilustra %s.", table: "Esta tabla muestra %s.",
		first: "Primero, ", next: "A continuación, ", last: "Por último, ", ordinal: []string{"Primero, ", "Segundo, ", "Tercero, ", "Cuarto, ", "Quinto, "}, also: "Esto incluye %s."},
	"fr": {slide: "Cette diapositive présente %s.", section: "Cette section présente %s.", picture: "Cette image illustre %s.", table: "Ce tableau montre %s.",
		first: "D'abord, ", next: "Ensuite, ", last: "Enfin, ", ordinal: []string{"Premièrement, ", "Deuxièmement, ", "Troisièmement, ", "Quatrièmement, ", "Cinquièmement, "}, also: "Cela comprend %s."},
	"de": {slide: "Diese Folie behandelt %s.", section: "Dieser Abschnitt behandelt %s.", picture: "Dieses Bild zeigt %s.", table: "Diese Tabelle zeigt %s.",
		first: "Zuerst: ", next: "Dann: ", last: "Zum Schluss: ", ordinal: []string{"Erstens: ", "Zweitens: ", "Drittens: ", "Viertens: ", "Fünftens: "}, also: "Dazu gehört %s."},
	"it": {slide: "Questa slide tratta %s.", section: "Questa sezione tratta %s.", picture: "Questa immagine illustra %s.", table: "Questa tabella mostra %s.",
		first: "Innanzitutto, ", next: "Poi, ", last: "Infine, ", ordinal: []string{"Primo, ", "Secondo, ", "Terzo, ", "Quarto, ", "Quinto, "}, also: "Questo include %s."},
	"id": {slide: "Slide ini membahas %s.", section: "Bagian ini membahas %s.", picture: "Gambar ini menggambarkan %s.", table: "Tabel ini menunjukkan %s.",
		first: "Pertama, ", next: "Selanjutnya, ", last: "Terakhir, ", ordinal: []string{"Pertama, ", "Kedua, ", "Ketiga, ", "Keempat, ", "Kelima, "}, also: "Ini mencakup %s."},
}

func book(lang string) phrases {
	if p, ok := phraseBook[baseLang(lang)]; ok {
		return p
	}
	return phraseBook["en"]
}

// maxComposed bounds how many bullets a composed narration reads.
const maxComposed = 8

// composeBullets reads a title and bullets as sentences: "This slide covers
// X. First, A. Next, B. Finally, C." intro is the sentence pattern for the
// title ("" for none). Sub-bullets are folded into their parent sentence.
func composeBullets(lang, intro, title string, bullets []course.Bullet, ordered bool) string {
	p := book(lang)
	var parts []string
	if intro != "" && title != "" {
		parts = append(parts, strings.Replace(intro, "%s", strings.TrimRight(title, ".:;!? "), 1))
	}
	n := min(len(bullets), maxComposed)
	for i := range n {
		b := bullets[i]
		text := strings.TrimRight(b.Text, ".:;,!? ")
		if text == "" {
			continue
		}
		var kids []string
		for _, c := range b.Children {
			if t := strings.TrimRight(c.Text, ".:;,!? "); t != "" {
				kids = append(kids, t)
			}
		}
		lead := p.next
		switch {
		case n == 1:
			lead = ""
		case ordered && i < len(p.ordinal):
			lead = p.ordinal[i]
		case i == 0:
			lead = p.first
		case i == n-1:
			lead = p.last
		}
		s := lead + lowerFirst(lang, text, lead != "")
		if len(kids) > 0 {
			s += ": " + strings.Join(kids, ", ")
		}
		parts = append(parts, sentence(s))
	}
	return strings.Join(parts, " ")
}

// sentence makes s end like a sentence.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	r, _ := utf8.DecodeLastRuneInString(s)
	if strings.ContainsRune(".!?…", r) {
		return s
	}
	s = strings.TrimRight(s, ":;, ")
	return s + "."
}

// lowerFirst lowers the first letter after a lead-in ("First, the…") when
// the first word is a common function word of the language, so names and
// acronyms keep their capitals.
func lowerFirst(lang, s string, apply bool) string {
	if !apply || s == "" {
		return s
	}
	word := s
	if i := strings.IndexFunc(s, func(r rune) bool { return !unicode.IsLetter(r) }); i > 0 {
		word = s[:i]
	}
	r, size := utf8.DecodeRuneInString(word)
	if !unicode.IsUpper(r) || strings.IndexFunc(word[size:], unicode.IsUpper) >= 0 {
		return s
	}
	low := strings.ToLower(word)
	for tag, words := range stopwords {
		if baseLang(tag) != baseLang(lang) {
			continue
		}
		for _, w := range words {
			if w == low {
				return string(unicode.ToLower(r)) + s[size:]
			}
		}
	}
	return s
}
