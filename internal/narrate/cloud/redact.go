package cloud

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"sort"
	"strings"
)

// Redacted replaces every secret that Redact finds.
const Redacted = "[REDACTED]"

// Redactor scrubs a fixed set of secrets from strings. The zero value
// redacts nothing. A Redactor is safe for concurrent use.
type Redactor struct {
	needles []string // every spelling of every secret, longest first
}

// NewRedactor returns a Redactor for secrets. Empty strings are ignored.
// Besides each secret as given it also scrubs the spellings a secret takes
// on its way through a URL (query and path escaping), JSON and HTTP basic
// auth, so that an error quoting a request cannot leak it.
func NewRedactor(secrets ...string) *Redactor {
	seen := map[string]bool{}
	var needles []string
	add := func(s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			needles = append(needles, s)
		}
	}
	for _, s := range secrets {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		add(s)
		add(url.QueryEscape(s))
		add(url.PathEscape(s))
		if b, err := json.Marshal(s); err == nil {
			js := strings.Trim(string(b), `"`)
			add(js)
			add(strings.ReplaceAll(js, "/", `\/`)) // encoders that escape the solidus
		}
		add(base64.StdEncoding.EncodeToString([]byte(s)))
		add(base64.URLEncoding.EncodeToString([]byte(s)))
	}
	// Longest first, so that a secret containing another is replaced whole.
	sort.SliceStable(needles, func(i, j int) bool { return len(needles[i]) > len(needles[j]) })
	return &Redactor{needles: needles}
}

// String returns s with every secret replaced by [REDACTED].
func (r *Redactor) String(s string) string {
	if r == nil {
		return s
	}
	for _, n := range r.needles {
		if strings.Contains(s, n) {
			s = strings.ReplaceAll(s, n, Redacted)
		}
	}
	return s
}

// Redact returns s with every one of secrets scrubbed (see NewRedactor).
func Redact(s string, secrets ...string) string {
	return NewRedactor(secrets...).String(s)
}

// secretParams are query parameters whose values are credentials whatever
// their value (Google's ?key=, signed URLs, tokens).
var secretParams = map[string]bool{
	"key": true, "api_key": true, "apikey": true, "api-key": true,
	"token": true, "access_token": true, "auth": true, "sig": true,
	"signature": true, "code": true, "password": true, "secret": true,
	"x-goog-api-key": true, "subscription-key": true,
}

// RedactURL returns u fit for an error message or a log line: the password
// of any user info and the values of credential-like query parameters are
// replaced, and then every known secret is scrubbed. A URL that does not
// parse is scrubbed as a plain string.
func (r *Redactor) RedactURL(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return r.String(u)
	}
	if p.User != nil {
		if _, has := p.User.Password(); has {
			p.User = url.UserPassword(p.User.Username(), "xxxxx")
		}
	}
	if p.RawQuery != "" {
		q := p.Query()
		changed := false
		for k := range q {
			if secretParams[strings.ToLower(k)] {
				q[k] = []string{"xxxxx"}
				changed = true
			}
		}
		if changed {
			p.RawQuery = q.Encode()
		}
	}
	return r.String(p.String())
}
