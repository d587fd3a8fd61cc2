package script

import (
	"testing"
)

func TestSpeakable(t *testing.T) {
	tests := []struct {
		lang, in, want string
	}{
		// Abbreviations.
		{"en-US", "Use a cache, e.g. a folder.", "Use a cache, for example a folder."},
		{"en-US", "Use a cache (e.g., a folder).", "Use a cache (for example a folder)."},
		{"en-US", "The key, i.e. the hash.", "The key, that is the hash."},
		{"en-US", "Apples, pears, etc.", "Apples, pears, et cetera."},
		{"en-US", "Apples, pears, etc. and more", "Apples, pears, et cetera and more"},
		{"en-US", "Go vs. Rust vs Python", "Go versus Rust versus Python"},
		{"en-US", "Ask Dr. Smith about item No. 5", "Ask Doctor Smith about item number 5"},
		{"en-US", "Q&A w/ the team", "Q and A with the team"},
		{"en-US", "Events vs versions", "Events versus versions"},
		{"pt-BR", "Use um cache, p. ex. uma pasta, etc.", "Use um cache, por exemplo uma pasta, etcétera."},
		{"pt-BR", "O Sr. Silva e a Dra. Souza, i.e. a equipe.", "O Senhor Silva e a Doutora Souza, isto é a equipe."},
		{"pt-BR", "Veja a pág. 3 e o nº 7", "Veja a página 3 e o número 7"},

		// Numbers and versions.
		{"en-US", "Install v1.2.3 today", "Install version 1 point 2 point 3 today"},
		{"pt-BR", "Instale a v1.2.3 hoje", "Instale a versão 1 ponto 2 ponto 3 hoje"},
		{"en-US", "Python 3.12.1 is out", "Python 3 point 12 point 1 is out"},
		{"en-US", "It takes 3.5 seconds", "It takes 3 point 5 seconds"},
		{"en-US", "Pi is 3.14", "Pi is 3 point 1 4"},
		{"pt-BR", "Leva 3,5 segundos", "Leva 3 vírgula 5 segundos"},
		{"pt-BR", "Leva 3.5 segundos", "Leva 3 vírgula 5 segundos"},
		{"pt-BR", "Custa R$ 1.500,90", "Custa 1500 vírgula 90 reais"},
		{"en-US", "It costs $5 or 1,000,000 yen", "It costs 5 dollars or 1000000 yen"},
		{"en-US", "Growth of 50% this year", "Growth of 50 percent this year"},
		{"pt-BR", "Crescimento de 50 % no ano", "Crescimento de 50 por cento no ano"},
		{"en-US", "Temperatures of -5 °C", "Temperatures of minus 5 degrees Celsius"},
		{"en-US", "area = r^2 and volume r^3, x^10", "area equals r squared and volume r cubed, x to the power of 10"},
		{"en-US", "About ~30 minutes", "About about 30 minutes"},
		{"en-US", "Item #3 of 3/4", "Item number 3 of 3 over 4"},

		// Symbols.
		{"en-US", "input → output", "input to output"},
		{"pt-BR", "entrada → saída", "entrada para saída"},
		{"en-US", "x ≥ 5 and y <= 2", "x is greater than or equal to 5 and y is less than or equal to 2"},
		{"pt-BR", "x ≥ 5 e y ≠ 2", "x maior ou igual a 5 e y diferente de 2"},
		{"en-US", "Error of +/- 2 and ± 3", "Error of plus or minus 2 and plus or minus 3"},
		{"en-US", "Rock & roll, C++ and 2 + 2 = 4", "Rock and roll, C plus plus and 2 plus 2 equals 4"},
		{"en-US", "Class1 — Class2 — Class3", "Class1, Class2, Class3"},
		{"en-US", "read/write access", "read or write access"},
		{"en-US", "TCP/IP in VS Code", "TCP IP in VS Code"},
		{"en-US", "Edit examples/intro/course.yaml now", "Edit course dot yaml now"},
		{"en-US", "The snake_case_name field", "The snake case name field"},
		{"en-US", "Done ✓ 🎉 → next", "Done to next"},

		// Links.
		{"en-US", "See https://www.example.com/docs/page?x=1.", "See example dot com."},
		{"pt-BR", "Veja www.tecno.dev/guia", "Veja tecno ponto dev"},
		{"en-US", "Mail ada@lovelace.org", "Mail ada at lovelace dot org"},

		// Markup.
		{"en-US", "This is **bold**, *italic*, _under_ and `code`.", "This is bold, italic, under and code."},
		{"en-US", "# Heading\n- item one\n- item two", "Heading\nitem one\nitem two"},
		{"en-US", "Click [the docs](https://x.y/z) or ![logo](a.png)", "Click the docs or logo"},
		{"en-US", "<b>Bold</b> &amp; <i>it</i>", "Bold and it"},
		{"en-US", "Call print() then exit", "Call print then exit"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Speakable(tt.lang, tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Speakable(%q, %q)\n got %q\nwant %q", tt.lang, tt.in, got, tt.want)
			}
		})
	}
}

func TestSpeakableUnknownLanguage(t *testing.T) {
	if _, err := Speakable("fr-FR", "bonjour"); err == nil {
		t.Error("no error for a language the offline writer does not speak")
	}
}

// BenchmarkSpeakable measures the normalizer on a typical slide's text.
func BenchmarkSpeakable(b *testing.B) {
	text := "Rebuild in 3.5 s, e.g. after an edit → only changed scenes (v1.2.3, see https://example.com/docs). " +
		"Cache hits ≥ 90% & misses ≤ 10%; **bold** and `code` and snake_case_names, etc."
	for i := 0; i < b.N; i++ {
		if _, err := Speakable("en-US", text); err != nil {
			b.Fatal(err)
		}
	}
}
