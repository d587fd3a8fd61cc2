// Package fault defines the kinds of failure tecno reports and the exit code
// each one maps to. Core packages return *fault.Error for anything a user can
// fix; everything else is an internal error.
package fault

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Kind classifies an error for exit codes and machine-readable output.
type Kind int

// The kinds, one per exit code (see ExitCode).
const (
	Internal   Kind = iota // a bug or an unexpected system failure
	Input                  // bad input or usage: fix the file or the command
	Dependency             // a required tool is missing
	Provider               // a narration provider failed
	Gate                   // a review gate failed
	Cancelled              // interrupted by the user
)

var kindNames = [...]string{"internal", "input", "dependency", "provider", "gate", "cancelled"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "internal"
}

// ExitCode is the one table mapping kinds to process exit codes.
func (k Kind) ExitCode() int {
	switch k {
	case Input:
		return 2
	case Dependency:
		return 3
	case Provider:
		return 4
	case Gate:
		return 5
	case Cancelled:
		return 130
	default:
		return 1
	}
}

// Error is an error a user can act on.
type Error struct {
	Kind Kind
	File string // file the problem is in, if any
	Line int    // 1-based, 0 if unknown
	Col  int    // 1-based, 0 if unknown
	Msg  string // lower-case, no trailing period
	// Hints are follow-up lines: what to do next.
	Hints []string
	Err   error // wrapped cause, if any
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Line)
			if e.Col > 0 {
				fmt.Fprintf(&b, ":%d", e.Col)
			}
		}
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// New returns an error of kind k.
func New(k Kind, format string, args ...any) *Error {
	return &Error{Kind: k, Msg: fmt.Sprintf(format, args...)}
}

// At returns an input error located in file at line:col.
func At(file string, line, col int, format string, args ...any) *Error {
	return &Error{Kind: Input, File: file, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
}

// WithHint adds a hint line and returns e.
func (e *Error) WithHint(format string, args ...any) *Error {
	e.Hints = append(e.Hints, fmt.Sprintf(format, args...))
	return e
}

// Wrap sets the cause and returns e.
func (e *Error) Wrap(err error) *Error {
	e.Err = err
	return e
}

// KindOf reports the kind of err: the kind of the first *Error in its chain,
// Cancelled for context cancellation, and Internal otherwise.
func KindOf(err error) Kind {
	var fe *Error
	if errors.As(err, &fe) {
		return fe.Kind
	}
	if errors.Is(err, context.Canceled) {
		return Cancelled
	}
	return Internal
}

// List is several errors reported together (validation reports every
// problem, not just the first).
type List []*Error

func (l List) Error() string {
	parts := make([]string, len(l))
	for i, e := range l {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n")
}

// Kind of a list is the kind of its first error.
func (l List) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}
