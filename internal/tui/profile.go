package tui

import (
	"strings"

	"github.com/muesli/termenv"
)

// Profile is how many colours the terminal shows.
type Profile int

// Profiles, from none to 24-bit.
const (
	NoColor   Profile = iota // NO_COLOR or a dumb terminal: text only
	ANSI16                   // the 16 standard colours
	ANSI256                  // the xterm 256-colour palette
	TrueColor                // 24-bit colour
)

func (p Profile) String() string {
	switch p {
	case ANSI16:
		return "16 colours"
	case ANSI256:
		return "256 colours"
	case TrueColor:
		return "true colour"
	default:
		return "no colour"
	}
}

// termenv maps p to the profile lipgloss uses for the interface chrome.
func (p Profile) termenv() termenv.Profile {
	switch p {
	case ANSI16:
		return termenv.ANSI
	case ANSI256:
		return termenv.ANSI256
	case TrueColor:
		return termenv.TrueColor
	default:
		return termenv.Ascii
	}
}

// Graphics is an inline image protocol the terminal understands.
type Graphics int

// Image protocols.
const (
	NoGraphics Graphics = iota // half-block cells only
	Kitty                      // the kitty graphics protocol, with Unicode placeholders
)

// DetectProfile reads the colour support from the environment: NO_COLOR
// (any non-empty value) and TERM=dumb turn colour off, COLORTERM=truecolor
// or 24bit and terminals known to have it give 24-bit colour, a TERM
// ending in 256color gives 256, and anything else 16.
func DetectProfile(getenv func(string) string) Profile {
	if getenv("NO_COLOR") != "" {
		return NoColor
	}
	term := strings.ToLower(getenv("TERM"))
	if term == "dumb" {
		return NoColor
	}
	switch strings.ToLower(getenv("COLORTERM")) {
	case "truecolor", "24bit":
		return TrueColor
	}
	for _, t := range []string{"kitty", "ghostty", "wezterm", "alacritty", "foot", "direct", "truecolor"} {
		if strings.Contains(term, t) {
			return TrueColor
		}
	}
	if getenv("KITTY_WINDOW_ID") != "" {
		return TrueColor
	}
	if strings.Contains(term, "256") {
		return ANSI256
	}
	return ANSI16
}

// DetectGraphics reports the kitty graphics protocol for kitty and ghostty
// (TERM, KITTY_WINDOW_ID or TERM_PROGRAM), but not inside tmux or screen,
// which do not pass the images through.
func DetectGraphics(getenv func(string) string) Graphics {
	term := strings.ToLower(getenv("TERM"))
	if getenv("TMUX") != "" || strings.HasPrefix(term, "screen") || strings.HasPrefix(term, "tmux") {
		return NoGraphics
	}
	if getenv("NO_COLOR") != "" {
		return NoGraphics
	}
	if strings.Contains(term, "kitty") || strings.Contains(term, "ghostty") ||
		getenv("KITTY_WINDOW_ID") != "" || strings.EqualFold(getenv("TERM_PROGRAM"), "ghostty") {
		return Kitty
	}
	return NoGraphics
}
