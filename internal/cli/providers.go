package cli

import (
	"context"

	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/narrate"
	"github.com/tecno-video/tecno/internal/narrate/azure"
	"github.com/tecno-video/tecno/internal/narrate/cloud"
	"github.com/tecno-video/tecno/internal/narrate/elevenlabs"
	"github.com/tecno-video/tecno/internal/narrate/espeak"
	"github.com/tecno-video/tecno/internal/narrate/flite"
	"github.com/tecno-video/tecno/internal/narrate/google"
	"github.com/tecno-video/tecno/internal/narrate/openai"
	"github.com/tecno-video/tecno/internal/narrate/piper"
)

// newRegistry registers every narration provider: the local engines, and
// the cloud ones configured from the environment (keys, base URLs, limits).
// offline makes every cloud request fail before dialling.
func newRegistry(env *Env) *narrate.Registry {
	return newRegistryOffline(env, false)
}

func newRegistryOffline(env *Env, offline bool) *narrate.Registry {
	r := narrate.NewRegistry(espeak.New(), flite.New(), piper.New())
	lookup := cloud.LookupFunc(func(k string) (string, bool) {
		v := env.Getenv(k)
		return v, v != ""
	})
	opts := cloud.Options{Offline: offline}
	cloudProviders := []struct {
		name string
		make func(cloud.LookupFunc, cloud.Options) (narrate.Provider, error)
	}{
		{"openai", func(l cloud.LookupFunc, o cloud.Options) (narrate.Provider, error) { return openai.FromEnv(l, o) }},
		{"elevenlabs", func(l cloud.LookupFunc, o cloud.Options) (narrate.Provider, error) { return elevenlabs.FromEnv(l, o) }},
		{"azure", func(l cloud.LookupFunc, o cloud.Options) (narrate.Provider, error) { return azure.FromEnv(l, o) }},
		{"google", func(l cloud.LookupFunc, o cloud.Options) (narrate.Provider, error) { return google.FromEnv(l, o) }},
	}
	for _, cp := range cloudProviders {
		p, err := cp.make(lookup, opts)
		if err != nil {
			r.Register(misconfigured{name: cp.name, err: err})
			continue
		}
		r.Register(p)
	}
	return r
}

// misconfigured stands in for a provider whose environment is invalid (a
// bad base URL, say): using it reports why.
type misconfigured struct {
	name string
	err  error
}

func (m misconfigured) Name() string  { return m.name }
func (m misconfigured) MaxChars() int { return 1 }
func (m misconfigured) Fingerprint(context.Context, course.Voice) (string, error) {
	return "", m.err
}
func (m misconfigured) Synthesize(context.Context, narrate.Request) (narrate.Result, error) {
	return narrate.Result{}, m.err
}
