package cli

import (
	"context"

	"github.com/tecno-video/tecno/internal/avatar"
	"github.com/tecno-video/tecno/internal/avatar/did"
	"github.com/tecno-video/tecno/internal/narrate/cloud"
)

// newAvatars registers the talking presenters: the local one, and D-ID
// configured from the environment (DID_API_KEY, TECNO_DID_*). offline
// makes every D-ID request fail before dialling.
func newAvatars(env *Env, offline bool) *avatar.Registry {
	lookup := cloud.LookupFunc(func(k string) (string, bool) {
		v := env.Getenv(k)
		return v, v != ""
	})
	local := avatar.Local{FFmpeg: env.FFmpeg}
	d, err := did.FromEnv(lookup, cloud.Options{Offline: offline})
	if err != nil {
		return avatar.NewRegistry(local, misconfiguredPresenter{name: did.Name, err: err})
	}
	return avatar.NewRegistry(local, d)
}

// misconfiguredPresenter stands in for a presenter whose environment is
// invalid (a bad TECNO_DID_BASE_URL, say): using it reports why, before
// any work.
type misconfiguredPresenter struct {
	name string
	err  error
}

func (m misconfiguredPresenter) Name() string                                 { return m.name }
func (m misconfiguredPresenter) Fingerprint() string                          { return m.name + ";misconfigured" }
func (m misconfiguredPresenter) CheckCredentials() error                      { return m.err }
func (m misconfiguredPresenter) Render(context.Context, avatar.Request) error { return m.err }
