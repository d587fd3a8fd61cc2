package cli

import (
	"github.com/tecno-video/tecno/internal/narrate"
	"github.com/tecno-video/tecno/internal/narrate/espeak"
)

// newRegistry registers every narration provider.
func newRegistry(env *Env) *narrate.Registry {
	r := narrate.NewRegistry()
	r.Register(espeak.New())
	return r
}
