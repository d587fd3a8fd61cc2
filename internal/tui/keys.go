package tui

import "github.com/charmbracelet/bubbles/key"

// keyMap holds every key of the normal mode, for dispatch and for help.
type keyMap struct {
	Up, Down, Top, Bottom, PageUp, PageDown key.Binding

	Approve, Comment, Edit, ExtEdit     key.Binding
	MoveDown, MoveUp, Duplicate, Delete key.Binding
	Template, Play, Synth               key.Binding
	Undo, Save, Help, Quit              key.Binding
}

func newKeyMap() keyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return keyMap{
		Up:       b("↑/k", "previous scene", "up", "k"),
		Down:     b("↓/j", "next scene", "down", "j"),
		Top:      b("g", "first scene", "g", "home"),
		Bottom:   b("G", "last scene", "G", "end"),
		PageUp:   b("pgup", "scroll details up", "pgup", "ctrl+u"),
		PageDown: b("pgdn", "scroll details down", "pgdown", "ctrl+d"),

		Approve: b("a", "approve (again: back to draft)", "a"),
		Comment: b("c", "request changes, with a comment", "c"),
		Edit:    b("e", "edit narration here", "e"),
		ExtEdit: b("E", "edit narration in $EDITOR", "E"),

		MoveDown:  b("J", "move scene down", "J", "shift+down"),
		MoveUp:    b("K", "move scene up", "K", "shift+up"),
		Duplicate: b("d", "duplicate scene", "d"),
		Delete:    b("x", "delete scene (asks first)", "x"),

		Template: b("t", "apply another template", "t"),
		Play:     b("p", "play narration (again: stop)", "p"),
		Synth:    b("s", "re-synthesize this scene", "s"),

		Undo: b("u", "undo", "u", "ctrl+z"),
		Save: b("w", "save", "w", "ctrl+s"),
		Help: b("?", "help", "?"),
		Quit: b("q", "quit", "q", "ctrl+c"),
	}
}

// footerKey is a key in the footer, with a one-word description.
type footerKey struct {
	key, desc string
}

// footerKeys are shown in the footer, most useful first; as many as fit.
func (k keyMap) footerKeys() []footerKey {
	return []footerKey{{"a", "approve"}, {"c", "comment"}, {"e", "edit"}, {"J", "down"}, {"K", "up"},
		{"u", "undo"}, {"w", "save"}, {"t", "template"}, {"p", "play"}, {"s", "synth"}, {"d", "dup"}, {"x", "delete"}}
}

// helpGroups are the sections of the help screen.
func (k keyMap) helpGroups() []struct {
	title string
	keys  []key.Binding
} {
	return []struct {
		title string
		keys  []key.Binding
	}{
		{"Navigate", []key.Binding{k.Up, k.Down, k.Top, k.Bottom, k.PageUp, k.PageDown}},
		{"Review", []key.Binding{k.Approve, k.Comment, k.Edit, k.ExtEdit, k.Template}},
		{"Arrange", []key.Binding{k.MoveDown, k.MoveUp, k.Duplicate, k.Delete}},
		{"Listen", []key.Binding{k.Play, k.Synth}},
		{"File", []key.Binding{k.Undo, k.Save, k.Help, k.Quit}},
	}
}
