package script

import (
	"context"
	"fmt"
	"hash/fnv"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tecno-video/tecno/internal/course"
)

// Offline is the deterministic script writer: no network, no model, the
// same narration for the same scene every time. It speaks English and
// Portuguese (see Languages).
type Offline struct{}

// maxBullets is how many top-level bullets the offline writer reads; the
// rest are mentioned by count.
const maxBullets = 12

// Name implements Writer.
func (Offline) Name() string { return "offline" }

// Model implements Writer.
func (Offline) Model() string { return "" }

// Write implements Writer. It never returns empty narration for a scene it
// can write: a scene without any text gets a sentence inviting the viewer
// to look at it.
func (o Offline) Write(_ context.Context, in Input) (Output, error) {
	w, err := wordsFor(in.Language)
	if err != nil {
		return Output{}, err
	}
	return Output{Text: w.compose(in)}, nil
}

// compose writes a scene's narration.
func (w *words) compose(in Input) string {
	s := in.Scene
	w = w.withEvidence(s)
	var parts []string
	add := func(text string) {
		if t := w.sentences(text); t != "" {
			parts = append(parts, t)
		}
	}
	title := w.clean(firstNonEmpty(s.Title, ""))
	subtitle := w.clean(s.Subtitle)
	body := w.speak(s.Body)
	switch s.Layout {
	case "title":
		if title != "" {
			if in.Index == 0 {
				add(fmt.Sprintf(w.welcome, title))
			} else {
				add(title)
			}
		}
		add(subtitle)
		add(body)
	case "section":
		if title != "" {
			add(fmt.Sprintf(w.next, title))
		}
		add(subtitle)
		add(body)
	case "quote":
		q := w.clean(s.Quote)
		author := w.clean(s.Author)
		add(title)
		switch {
		case q != "" && author != "":
			add(fmt.Sprintf(w.said, author, q))
		case q != "":
			add(fmt.Sprintf(w.quote, q))
		}
		add(body)
	case "code":
		lang := codeLanguage(w.clean(s.Language))
		add(title)
		switch {
		case lang != "" && !strings.Contains(strings.ToLower(title), strings.ToLower(lang)):
			add(fmt.Sprintf(w.codeAny, lang))
		case title == "" && lang == "":
			add(w.codeBare)
		}
		add(body)
		if cs := w.codeComments(s.Code); len(cs) > 0 {
			add(fmt.Sprintf(w.comments, w.list(cs)))
		}
		add(w.readCode)
	case "image":
		if title != "" {
			add(w.intro(s.ID, title))
		} else {
			add(w.lookPic)
		}
		add(body)
	default: // bullets, image-text, slide-image and anything new
		if title != "" {
			add(w.intro(s.ID, title))
		}
		add(subtitle)
		add(w.bullets(s.Bullets))
		add(body)
		if s.Layout == "image-text" && len(parts) == 0 {
			add(w.lookPic)
		}
	}
	add(w.speak(s.Notes))
	if len(parts) == 0 {
		// A slide with no text of its own (a slide picture): keep what its
		// narration already says, made speakable.
		add(w.speak(s.Narration))
	}
	if len(parts) == 0 {
		if s.Layout == "image" || s.Layout == "image-text" {
			add(w.lookPic)
		} else {
			add(w.lookSlide)
		}
	}
	return strings.Join(parts, " ")
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

// clean makes one line of slide text speakable, without a final period
// (it is embedded in a sentence).
func (w *words) clean(s string) string {
	s = strings.Join(strings.Fields(w.speak(s)), " ")
	return strings.TrimRight(s, " .;:,")
}

// intro is a title's sentence. Questions stay questions; statements get a
// lead-in chosen by the scene id, so that a deck does not repeat one
// pattern on every slide.
func (w *words) intro(id, title string) string {
	// Questions, exclamations and titles long enough to be sentences are
	// read as they are.
	if strings.HasSuffix(title, "?") || strings.HasSuffix(title, "!") || len(strings.Fields(title)) >= 5 {
		return title
	}
	h := fnv.New32a()
	h.Write([]byte(id))
	pat := w.lookAt[int(h.Sum32()%uint32(len(w.lookAt)))]
	if pat == "%s." {
		return fmt.Sprintf(pat, title)
	}
	return fmt.Sprintf(pat, w.lowerTitle(title))
}

// withEvidence returns a copy of w that also lowers, after a lead-in, the
// words the scene itself writes in lower case somewhere ("Write once" next
// to "you write the course"): such a word is not a name.
func (w *words) withEvidence(s *course.Scene) *words {
	seen := map[string]bool{}
	var walk func([]course.Bullet)
	add := func(text string) {
		for _, f := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) }) {
			if r, _ := utf8.DecodeRuneInString(f); unicode.IsLower(r) {
				seen[f] = true
			}
		}
	}
	walk = func(bs []course.Bullet) {
		for _, b := range bs {
			add(b.Text)
			walk(b.Children)
		}
	}
	for _, t := range []string{s.Title, s.Subtitle, s.Body, s.Notes, s.Narration, s.Quote} {
		add(t)
	}
	walk(s.Bullets)
	if len(seen) == 0 {
		return w
	}
	cp := *w
	cp.stop = append(append([]string(nil), w.stop...), keys(seen)...)
	return &cp
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// lowerTitle lowers the first letter of a title that follows a lead-in,
// when its first word is a common word of the language: names and
// acronyms keep their capitals.
func (w *words) lowerTitle(s string) string {
	word := s
	if i := strings.IndexFunc(s, func(r rune) bool { return !unicode.IsLetter(r) }); i > 0 {
		word = s[:i]
	}
	r, size := utf8.DecodeRuneInString(word)
	if !unicode.IsUpper(r) || strings.IndexFunc(word[size:], unicode.IsUpper) >= 0 {
		return s
	}
	low := strings.ToLower(word)
	for _, sw := range w.stop {
		if sw == low {
			return string(unicode.ToLower(r)) + s[size:]
		}
	}
	return s
}

// bullets reads a bullet list: "First, A. Next, B: b1, b2 and b3.
// Finally, C." Sub-bullets join their parent's sentence; deeper levels
// join their own parent's phrase.
func (w *words) bullets(bs []course.Bullet) string {
	var items []course.Bullet
	for _, b := range bs {
		if w.clean(b.Text) != "" || len(b.Children) > 0 {
			items = append(items, b)
		}
	}
	n := len(items)
	shown := min(n, maxBullets)
	var out []string
	for i := 0; i < shown; i++ {
		b := items[i]
		text := w.clean(b.Text)
		if kids := w.children(b.Children); kids != "" {
			if text == "" {
				text = kids
			} else {
				text += ": " + kids
			}
		}
		if text == "" {
			continue
		}
		lead := ""
		switch {
		case shown == 1:
		case i == 0:
			lead = w.first
		case i == shown-1 && shown == n:
			lead = w.finally
		default:
			lead = w.then[(i-1)%len(w.then)]
		}
		if lead != "" {
			text = lead + w.lowerTitle(text)
		}
		out = append(out, sentence(text))
	}
	if n > shown {
		out = append(out, fmt.Sprintf(w.more, n-shown))
	}
	return strings.Join(out, " ")
}

// children reads sub-bullets as one phrase: "b1, b2 and b3"; a
// sub-bullet's own children follow it: "b1, including c1 and c2".
func (w *words) children(bs []course.Bullet) string {
	var phrases []string
	for _, b := range bs {
		t := w.clean(b.Text)
		if kids := w.children(b.Children); kids != "" {
			if t == "" {
				t = kids
			} else {
				t += ", " + w.including + " " + kids
			}
		}
		if t != "" {
			phrases = append(phrases, t)
		}
	}
	return w.list(phrases)
}

// list joins phrases: "a", "a and b", "a, b and c".
func (w *words) list(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + w.and + " " + items[len(items)-1]
}

// languageNames spells code languages as people write them.
var languageNames = map[string]string{
	"python": "Python", "py": "Python", "javascript": "JavaScript", "js": "JavaScript", "typescript": "TypeScript",
	"ts": "TypeScript", "go": "Go", "golang": "Go", "bash": "Bash", "sh": "shell", "shell": "shell", "zsh": "shell",
	"java": "Java", "c": "C", "cpp": "C plus plus", "c plus plus": "C plus plus", "csharp": "C sharp", "cs": "C sharp",
	"rust": "Rust", "ruby": "Ruby", "rb": "Ruby", "php": "PHP", "sql": "SQL", "yaml": "YAML", "yml": "YAML",
	"json": "JSON", "html": "HTML", "css": "CSS", "kotlin": "Kotlin", "swift": "Swift", "r": "R", "matlab": "MATLAB",
	"powershell": "PowerShell", "dockerfile": "Dockerfile", "makefile": "Makefile", "toml": "TOML", "xml": "XML",
}

func codeLanguage(l string) string {
	if n, ok := languageNames[strings.ToLower(l)]; ok {
		return n
	}
	return l
}

var commentRe = regexp.MustCompile(`^\s*(?:#|//|--|;|%|/\*+|\*)\s?(.*?)\s*(?:\*/)?\s*$`)

// codeComments returns up to three comment lines of a code sample, which
// say in words what the code does.
func (w *words) codeComments(code string) []string {
	var out []string
	for _, line := range strings.Split(code, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "#!") {
			continue // a shebang, not a comment
		}
		m := commentRe.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		if isProse(m[1]) {
			if c := w.clean(m[1]); c != "" {
				out = append(out, c)
			}
		}
		if len(out) == 3 {
			break
		}
	}
	return out
}

// isProse reports whether a comment reads as words rather than code or a
// file listing: at least two words, most of them made only of letters.
func isProse(s string) bool {
	fields := strings.Fields(s)
	words := 0
	for _, f := range fields {
		f = strings.TrimRight(f, ",.;:!?")
		if f != "" && strings.IndexFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' && r != '-' }) < 0 {
			words++
		}
	}
	return words >= 2 && 2*words >= len(fields)
}

// sentences makes text a run of sentences: each line or paragraph ends
// with punctuation and starts with a capital letter.
func (w *words) sentences(text string) string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, sentence(line))
		}
	}
	return strings.Join(out, " ")
}

// sentence ends s like a sentence and capitalises its first letter.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimRight(s, ",;: ")
	if s == "" {
		return ""
	}
	r, size := utf8.DecodeRuneInString(s)
	if unicode.IsLower(r) {
		s = string(unicode.ToUpper(r)) + s[size:]
	}
	last, _ := utf8.DecodeLastRuneInString(s)
	if !strings.ContainsRune(".!?…\"'", last) {
		s += "."
	}
	return s
}
