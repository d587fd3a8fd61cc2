package render

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Token kinds for the simple code highlighter.
const (
	tokPlain = iota
	tokKeyword
	tokString
	tokComment
	tokNumber
)

type codeTok struct {
	text string
	kind int
}

type langSpec struct {
	keywords     map[string]bool
	lineComments []string
	block        [2]string
	quotes       string
	foldCase     bool
}

func words(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

var cLike = "break case continue default do else for goto if return switch while const static struct enum union typedef sizeof void int char float double long short unsigned signed true false null NULL"

var langs = map[string]langSpec{
	"go": {keywords: words("break case chan const continue default defer else fallthrough for func go goto if import interface map package range return select struct switch type var nil true false iota"),
		lineComments: []string{"//"}, block: [2]string{"/*", "*/"}, quotes: "\"'`"},
	"python": {keywords: words("and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield None True False self"),
		lineComments: []string{"#"}, quotes: "\"'"},
	"javascript": {keywords: words("async await break case catch class const continue debugger default delete do else export extends finally for function if import in instanceof let new of return super switch this throw try typeof var void while with yield null undefined true false"),
		lineComments: []string{"//"}, block: [2]string{"/*", "*/"}, quotes: "\"'`"},
	"typescript": {keywords: words("async await break case catch class const continue default delete do else enum export extends finally for function if implements import in instanceof interface let new of private protected public readonly return super switch this throw try type typeof var void while null undefined true false string number boolean any"),
		lineComments: []string{"//"}, block: [2]string{"/*", "*/"}, quotes: "\"'`"},
	"java": {keywords: words("abstract boolean break byte case catch char class const continue default do double else enum extends final finally float for if implements import instanceof int interface long new package private protected public return short static super switch this throw throws try void volatile while null true false var record"),
		lineComments: []string{"//"}, block: [2]string{"/*", "*/"}, quotes: "\"'"},
	"c":   {keywords: words(cLike + " extern register volatile inline include define"), lineComments: []string{"//"}, block: [2]string{"/*", "*/"}, quotes: "\"'"},
	"cpp": {keywords: words(cLike + " auto bool class namespace new delete template typename public private protected virtual override using this throw try catch nullptr constexpr include"), lineComments: []string{"//"}, block: [2]string{"/*", "*/"}, quotes: "\"'"},
	"csharp": {keywords: words("abstract as base bool break byte case catch char class const continue decimal default delegate do double else enum event explicit extern false finally float for foreach if implicit in int interface internal is lock long namespace new null object operator out override params private protected public readonly ref return sealed short static string struct switch this throw true try typeof uint ulong using var virtual void while async await"),
		lineComments: []string{"//"}, block: [2]string{"/*", "*/"}, quotes: "\"'"},
	"rust": {keywords: words("as async await break const continue crate else enum extern false fn for if impl in let loop match mod move mut pub ref return self Self static struct super trait true type unsafe use where while dyn"),
		lineComments: []string{"//"}, block: [2]string{"/*", "*/"}, quotes: "\""},
	"shell": {keywords: words("if then else elif fi case esac for while until do done in function return local export echo exit set unset source"),
		lineComments: []string{"#"}, quotes: "\"'"},
	"sql": {keywords: words("select from where and or not insert into values update set delete create table drop alter index join left right inner outer on group by order having limit as distinct null is in like between union all primary key foreign references default"),
		lineComments: []string{"--"}, block: [2]string{"/*", "*/"}, quotes: "'\"", foldCase: true},
	"ruby": {keywords: words("alias and begin break case class def defined? do else elsif end ensure false for if in module next nil not or redo rescue retry return self super then true undef unless until when while yield require"),
		lineComments: []string{"#"}, quotes: "\"'"},
	"php": {keywords: words("abstract and array as break case catch class const continue declare default do echo else elseif empty extends final for foreach function global if implements include interface isset namespace new null or private protected public require return static switch this throw true false try use var while"),
		lineComments: []string{"//", "#"}, block: [2]string{"/*", "*/"}, quotes: "\"'"},
	"kotlin": {keywords: words("as break class continue do else false for fun if in interface is null object package return super this throw true try typealias val var when while import private public override data"),
		lineComments: []string{"//"}, block: [2]string{"/*", "*/"}, quotes: "\"'"},
	"swift": {keywords: words("associatedtype class deinit enum extension func import init inout let operator private protocol public static struct subscript typealias var break case continue default defer do else fallthrough for guard if in repeat return switch where while as false is nil self Self super throws throw true try"),
		lineComments: []string{"//"}, block: [2]string{"/*", "*/"}, quotes: "\""},
	"yaml": {lineComments: []string{"#"}, quotes: "\"'"},
	"":     {quotes: "\"'"},
}

var langAliases = map[string]string{
	"golang": "go", "py": "python", "python3": "python", "js": "javascript", "node": "javascript", "jsx": "javascript",
	"ts": "typescript", "tsx": "typescript", "c++": "cpp", "cc": "cpp", "hpp": "cpp", "h": "c", "cs": "csharp", "c#": "csharp",
	"rs": "rust", "sh": "shell", "bash": "shell", "zsh": "shell", "console": "shell", "rb": "ruby", "kt": "kotlin", "yml": "yaml",
	"postgres": "sql", "mysql": "sql", "sqlite": "sql",
}

func langFor(name string) langSpec {
	n := strings.ToLower(strings.TrimSpace(name))
	if a, ok := langAliases[n]; ok {
		n = a
	}
	if l, ok := langs[n]; ok {
		return l
	}
	return langs[""]
}

// expandTabs replaces tabs with spaces up to the next multiple of width.
func expandTabs(s string, width int) string {
	if !strings.Contains(s, "\t") {
		return s
	}
	var b strings.Builder
	col := 0
	for _, r := range s {
		if r == '\t' {
			n := width - col%width
			b.WriteString(strings.Repeat(" ", n))
			col += n
			continue
		}
		b.WriteRune(r)
		col++
	}
	return b.String()
}

// codeLines normalises a code block: CRLF, tabs, trailing spaces, leading
// and trailing blank lines.
func codeLines(code string) []string {
	code = strings.ReplaceAll(code, "\r\n", "\n")
	code = strings.ReplaceAll(code, "\r", "\n")
	lines := strings.Split(code, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(expandTabs(l, 4), " \t")
	}
	for len(lines) > 0 && lines[0] == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// highlight splits each line into tokens. Block comments may span lines;
// strings end at the end of their line.
func highlight(lines []string, language string) [][]codeTok {
	l := langFor(language)
	out := make([][]codeTok, len(lines))
	inBlock := false
	for li, s := range lines {
		var toks []codeTok
		add := func(text string, kind int) {
			if text == "" {
				return
			}
			if n := len(toks); n > 0 && toks[n-1].kind == kind {
				toks[n-1].text += text
				return
			}
			toks = append(toks, codeTok{text, kind})
		}
		i := 0
		for i < len(s) {
			if inBlock {
				end := strings.Index(s[i:], l.block[1])
				if end < 0 {
					add(s[i:], tokComment)
					i = len(s)
					break
				}
				add(s[i:i+end+len(l.block[1])], tokComment)
				i += end + len(l.block[1])
				inBlock = false
				continue
			}
			rest := s[i:]
			if l.block[0] != "" && strings.HasPrefix(rest, l.block[0]) {
				inBlock = true
				add(l.block[0], tokComment)
				i += len(l.block[0])
				continue
			}
			isLine := false
			for _, c := range l.lineComments {
				if strings.HasPrefix(rest, c) {
					isLine = true
				}
			}
			if isLine {
				add(rest, tokComment)
				break
			}
			r, size := utf8.DecodeRuneInString(rest)
			switch {
			case strings.ContainsRune(l.quotes, r):
				j := size
				for j < len(rest) {
					c, sz := utf8.DecodeRuneInString(rest[j:])
					if c == '\\' && r != '`' {
						j += sz
						if j < len(rest) {
							_, sz = utf8.DecodeRuneInString(rest[j:])
							j += sz
						}
						continue
					}
					j += sz
					if c == r {
						break
					}
				}
				add(rest[:j], tokString)
				i += j
			case unicode.IsDigit(r):
				j := 0
				for j < len(rest) {
					c, sz := utf8.DecodeRuneInString(rest[j:])
					if !(unicode.IsDigit(c) || unicode.IsLetter(c) || c == '.' || c == '_') {
						break
					}
					j += sz
				}
				add(rest[:j], tokNumber)
				i += j
			case unicode.IsLetter(r) || r == '_':
				j := 0
				for j < len(rest) {
					c, sz := utf8.DecodeRuneInString(rest[j:])
					if !(unicode.IsLetter(c) || unicode.IsDigit(c) || c == '_' || c == '?') {
						break
					}
					j += sz
				}
				w := rest[:j]
				key := w
				if l.foldCase {
					key = strings.ToLower(w)
				}
				if l.keywords[key] {
					add(w, tokKeyword)
				} else {
					add(w, tokPlain)
				}
				i += j
			default:
				add(rest[:size], tokPlain)
				i += size
			}
		}
		out[li] = toks
	}
	return out
}
