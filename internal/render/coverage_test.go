package render

import "testing"

func TestFontFor(t *testing.T) {
	if name, ok := FontFor('ã', "pt-BR"); !ok || name != "Go (built in)" {
		t.Errorf("FontFor('ã') = %q, %v; want the built-in Go font", name, ok)
	}
	// A private-use code point no font should draw.
	if name, ok := FontFor('\U000F0000', "en-US"); ok {
		t.Errorf("FontFor(U+F0000) = %q, want no font", name)
	}
}
