package cloud

import "strings"

// Voice describes one voice a provider offers, for `tecno voices` and the
// docs.
type Voice struct {
	ID       string `json:"id"`                 // what course.yaml's voice name takes
	Name     string `json:"name,omitempty"`     // display name
	Language string `json:"language,omitempty"` // BCP 47; "" for multilingual voices
	Gender   string `json:"gender,omitempty"`
	Note     string `json:"note,omitempty"`
}

// PickByLanguage returns the entry of table for lang (BCP 47): an exact
// match first (case-insensitive), then the first entry sharing the primary
// language subtag ("pt" finds "pt-BR" when "pt-PT" is not asked for), then
// def. Table keys are language tags.
func PickByLanguage(table map[string]string, order []string, lang, def string) string {
	lang = strings.ReplaceAll(strings.TrimSpace(lang), "_", "-")
	if lang == "" {
		return def
	}
	for k, v := range table {
		if strings.EqualFold(k, lang) {
			return v
		}
	}
	primary := strings.ToLower(strings.SplitN(lang, "-", 2)[0])
	for _, k := range order {
		if strings.ToLower(strings.SplitN(k, "-", 2)[0]) == primary {
			return table[k]
		}
	}
	return def
}
