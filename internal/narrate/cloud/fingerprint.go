package cloud

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"sort"
	"strings"
)

// Fingerprint builds a provider fingerprint for cache keys from named
// fields: "openai;api=v1;format=wav;model=tts-1;voice=alloy". Fields are
// sorted by name, empty values are kept (an empty instruction differs
// from a set one). Never pass a secret: use Hash for free text and
// Endpoint for base URLs.
func Fingerprint(provider string, fields map[string]string) string {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(provider)
	for _, k := range keys {
		b.WriteString(";")
		b.WriteString(k)
		b.WriteString("=")
		b.WriteString(fields[k])
	}
	return b.String()
}

// Hash returns a short stable digest of s, for fingerprint fields that
// hold free text (instructions).
func Hash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:6])
}

// Endpoint identifies a base URL in a fingerprint without exposing it:
// "default" for the provider's own endpoint, otherwise "custom-" and a
// digest of scheme, host and path. User info and the query (where a proxy
// might carry a token) are left out before hashing.
func Endpoint(base, def string) string {
	norm := func(s string) string {
		u, err := url.Parse(strings.TrimRight(strings.TrimSpace(s), "/"))
		if err != nil {
			return ""
		}
		return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host) + u.Path
	}
	if base == "" || norm(base) == norm(def) {
		return "default"
	}
	return "custom-" + Hash(norm(base))
}
