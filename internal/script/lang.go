package script

import (
	"fmt"
	"strings"

	"github.com/tecno-video/tecno/internal/fault"
)

// words is everything language-specific the offline writer says: spoken
// forms of symbols and numbers, abbreviations, and sentence templates.
type words struct {
	code string // "en", "pt"
	name string // for prompts: "English", "Brazilian Portuguese"

	// Numbers and symbols.
	point        string // decimal separator spoken: "point", "vírgula"
	decimalComma bool   // the written decimal separator is a comma (pt: 3,5)
	dot          string // in URLs, file names and versions: "dot", "ponto"
	versionDot   string // between version parts: "point", "ponto"
	version      string
	at           string
	percent      string
	and, or      string
	plus, minus  string
	plusMinus    string
	times        string
	dividedBy    string
	over         string // 3/4
	equals       string
	notEqual     string
	less         string
	greater      string
	lessEq       string
	greaterEq    string
	to           string // →
	from         string // ←
	implies      string // ⇒
	about        string // ~5
	degrees      string
	number       string // #3, nº 3
	squared      string
	cubed        string
	power        string // x^n: "to the power of"
	currencies   map[string][2]string
	abbrevs      []abbrev

	// Sentences.
	welcome   string // first title scene: "Welcome to %s."
	next      string // section: "Next: %s."
	lookAt    []string
	first     string
	then      []string
	finally   string
	more      string // "And %d more points on screen."
	lookPic   string
	lookSlide string
	codeAny   string // "Here is an example in %s."
	codeBare  string
	comments  string // "The comments say: %s."
	readCode  string
	said      string // "%s said: %s"
	quote     string // "Here is a quote: %s"
	including string // "including"
	stop      []string
}

// abbrev is an abbreviation and what to say instead. Patterns match whole
// words, case-insensitively unless exact is set.
type abbrev struct {
	pattern string // regular expression, without word boundaries
	say     string
	exact   bool
	// end keeps a sentence break when the abbreviation ends a sentence
	// ("…, pears, etc. Then" → "…, pears, et cetera. Then").
	end bool
	// digit requires a number to follow ("No. 5").
	digit bool
}

var english = &words{
	code: "en", name: "English",
	point: "point", dot: "dot", versionDot: "point", version: "version", at: "at", percent: "percent",
	and: "and", or: "or", plus: "plus", minus: "minus", plusMinus: "plus or minus", times: "times",
	dividedBy: "divided by", over: "over", equals: "equals", notEqual: "is not equal to",
	less: "is less than", greater: "is greater than", lessEq: "is less than or equal to",
	greaterEq: "is greater than or equal to", to: "to", from: "from", implies: "implies",
	about: "about", degrees: "degrees", number: "number", squared: "squared", cubed: "cubed",
	power: "to the power of",
	currencies: map[string][2]string{"$": {"dollar", "dollars"}, "US$": {"dollar", "dollars"}, "€": {"euro", "euros"},
		"£": {"pound", "pounds"}, "R$": {"real", "reais"}, "¥": {"yen", "yen"}},
	abbrevs: []abbrev{
		{pattern: `e\.\s?g\.,?`, say: "for example"},
		{pattern: `i\.\s?e\.,?`, say: "that is"},
		{pattern: `etc\.`, say: "et cetera", end: true},
		{pattern: `etc`, say: "et cetera"},
		{pattern: `a\.k\.a\.?`, say: "also known as"},
		{pattern: `vs\.?`, say: "versus", exact: true}, // not "VS Code"
		{pattern: `approx\.`, say: "approximately"},
		{pattern: `cf\.`, say: "compare"},
		{pattern: `incl\.`, say: "including"},
		{pattern: `avg\.`, say: "average"},
		{pattern: `max\.`, say: "maximum"},
		{pattern: `min\.`, say: "minimum"},
		{pattern: `dept\.`, say: "department"},
		{pattern: `w/o`, say: "without"},
		{pattern: `w/`, say: "with"},
		{pattern: `Dr\.`, say: "Doctor", exact: true},
		{pattern: `Mr\.`, say: "Mister", exact: true},
		{pattern: `Mrs\.`, say: "Missus", exact: true},
		{pattern: `Ms\.`, say: "Miz", exact: true},
		{pattern: `Prof\.`, say: "Professor", exact: true},
		{pattern: `No\.`, say: "number", exact: true, digit: true},
		{pattern: `Q&A`, say: "Q and A", exact: true},
		{pattern: `R&D`, say: "R and D", exact: true},
	},
	welcome: "Welcome to %s.", next: "Next: %s.",
	lookAt: []string{"%s.", "Let's look at %s.", "Now, %s."},
	first:  "First, ", then: []string{"Next, ", "Then, ", "Also, "}, finally: "Finally, ",
	more:    "And %d more points on screen.",
	lookPic: "Take a look at this picture.", lookSlide: "Take a look at this slide.",
	codeAny:  "Here is an example in %s.",
	codeBare: "Here is a code example.", comments: "The comments say: %s.", readCode: "Take a moment to read the code on screen.",
	said: "As %s said: %s", quote: "Here is a quote: %s", including: "including",
	stop: []string{"a", "an", "the", "what", "why", "how", "when", "where", "which", "who", "our", "your", "my", "this",
		"these", "those", "that", "some", "all", "any", "every", "each", "no", "not", "only", "more", "most", "many", "using", "working", "getting", "making", "building", "it", "its", "there"},
}

var portuguese = &words{
	code: "pt", name: "Brazilian Portuguese",
	point: "vírgula", decimalComma: true, dot: "ponto", versionDot: "ponto", version: "versão", at: "arroba",
	percent: "por cento", and: "e", or: "ou", plus: "mais", minus: "menos", plusMinus: "mais ou menos",
	times: "vezes", dividedBy: "dividido por", over: "sobre", equals: "igual a", notEqual: "diferente de",
	less: "menor que", greater: "maior que", lessEq: "menor ou igual a", greaterEq: "maior ou igual a",
	to: "para", from: "de", implies: "implica", about: "cerca de", degrees: "graus", number: "número",
	squared: "ao quadrado", cubed: "ao cubo", power: "elevado a",
	currencies: map[string][2]string{"R$": {"real", "reais"}, "$": {"dólar", "dólares"}, "US$": {"dólar", "dólares"},
		"€": {"euro", "euros"}, "£": {"libra", "libras"}},
	abbrevs: []abbrev{
		{pattern: `p\.\s?ex\.,?`, say: "por exemplo"},
		{pattern: `e\.\s?g\.,?`, say: "por exemplo"},
		{pattern: `i\.\s?e\.,?`, say: "isto é"},
		{pattern: `etc\.`, say: "etcétera", end: true},
		{pattern: `etc`, say: "etcétera"},
		{pattern: `vs\.?`, say: "versus", exact: true},
		{pattern: `aprox\.`, say: "aproximadamente"},
		{pattern: `obs\.`, say: "observação"},
		{pattern: `ex\.`, say: "exemplo"},
		{pattern: `pág\.`, say: "página"},
		{pattern: `máx\.`, say: "máximo"},
		{pattern: `mín\.`, say: "mínimo"},
		{pattern: `n\.?\s?º`, say: "número"},
		{pattern: `Sr\.`, say: "Senhor", exact: true},
		{pattern: `Sra\.`, say: "Senhora", exact: true},
		{pattern: `Dr\.`, say: "Doutor", exact: true},
		{pattern: `Dra\.`, say: "Doutora", exact: true},
		{pattern: `Prof\.`, say: "Professor", exact: true},
		{pattern: `Profa\.`, say: "Professora", exact: true},
		{pattern: `c/`, say: "com"},
		{pattern: `s/`, say: "sem"},
	},
	welcome: "Bem-vindo a %s.", next: "A seguir: %s.",
	lookAt: []string{"%s.", "Vamos ver %s.", "Agora, %s."},
	first:  "Primeiro, ", then: []string{"Em seguida, ", "Depois, ", "Além disso, "}, finally: "Por fim, ",
	more:    "E mais %d pontos na tela.",
	lookPic: "Observe esta imagem.", lookSlide: "Observe este slide.",
	codeAny:  "Aqui está um exemplo em %s.",
	codeBare: "Aqui está um exemplo de código.", comments: "Os comentários dizem: %s.", readCode: "Leia com calma o código na tela.",
	said: "Como disse %s: %s", quote: "Uma citação: %s", including: "incluindo",
	stop: []string{"o", "a", "os", "as", "um", "uma", "uns", "umas", "como", "por", "que", "qual", "quais", "quando",
		"onde", "nosso", "nossa", "seu", "sua", "este", "esta", "esse", "essa", "isso", "isto", "mais", "usando"},
}

// Languages lists the languages the offline writer speaks, as BCP 47
// primary tags.
var Languages = []string{"en", "pt"}

// wordsFor returns the words of a BCP 47 language tag ("en-US", "pt-BR").
func wordsFor(tag string) (*words, error) {
	primary, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
	switch primary {
	case "en", "":
		return english, nil
	case "pt":
		return portuguese, nil
	}
	return nil, fault.New(fault.Input, "the offline script writer has no sentences for language %q (it speaks %s)",
		tag, strings.Join(Languages, " and ")).
		WithHint("use --provider openai, which writes in any language, or write the narration by hand")
}

// LanguageName names a language tag for prompts: "English (en-US)".
func LanguageName(tag string) string {
	w, err := wordsFor(tag)
	if err != nil {
		return tag
	}
	if tag == "" {
		return w.name
	}
	return fmt.Sprintf("%s (%s)", w.name, tag)
}
