package cloud_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tecno-video/tecno/internal/fault"
	"github.com/tecno-video/tecno/internal/narrate/cloud"
	"github.com/tecno-video/tecno/internal/narrate/cloud/cloudtest"
)

// TestSpecExplainAndPrefix covers what services other than voices (chat
// completions, D-ID) use to word their failures: Explain replaces the
// voice-centred explanation, except for credential failures, and Prefix
// names their variables.
func TestSpecExplainAndPrefix(t *testing.T) {
	spec := cloud.Spec{Name: "d-id", KeyEnv: []string{"DID_API_KEY"}, Prefix: "TECNO_DID_",
		Explain: func(status int, e cloud.APIError) (string, []string) {
			if status == http.StatusNotFound {
				return "no such talk", []string{"check the talk id"}
			}
			return "", nil
		}}
	for _, tt := range []struct {
		status    int
		msg, hint string
	}{
		{404, "d-id: 404 not found: no such talk", "check the talk id"},
		{401, "d-id: 401 unauthorized: check DID_API_KEY", "export DID_API_KEY=..."},
		{400, "d-id: 400 bad request: the request was rejected", "check the voice"},
	} {
		srv, _ := statusServer(t, nil, tt.status)
		o, _ := cloudtest.Options(t)
		_, err := cloud.NewClient(spec, o).Do(context.Background(), cloud.Request{Method: "GET", URL: srv.URL})
		var fe *fault.Error
		if !errors.As(err, &fe) || !strings.HasPrefix(fe.Msg, tt.msg) || !strings.Contains(strings.Join(fe.Hints, "\n"), tt.hint) {
			t.Errorf("%d: %v %q, want %q and hint %q", tt.status, err, fe.Hints, tt.msg, tt.hint)
		}
	}
	release := make(chan struct{})
	defer close(release)
	srv := slowServer(t, release)
	o, _ := cloudtest.Options(t)
	o.Timeout, o.MaxAttempts = 50*time.Millisecond, 1
	_, err := cloud.NewClient(spec, o).Do(context.Background(), cloud.Request{Method: "GET", URL: srv})
	var fe *fault.Error
	if !errors.As(err, &fe) || !strings.Contains(strings.Join(fe.Hints, " "), "TECNO_DID_TIMEOUT") {
		t.Errorf("timeout hints %v do not use the prefix", err)
	}
}

func slowServer(t *testing.T, release chan struct{}) string {
	t.Helper()
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(s.Close)
	return s.URL
}
