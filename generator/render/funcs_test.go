package render

import "testing"

func TestWithArticle(t *testing.T) {
	for noun, want := range map[string]string{
		"Order":      "an Order",
		"Item":       "an Item",
		"Account":    "an Account",
		"Event":      "an Event",
		"Customer":   "a Customer",
		"Pet":        "a Pet",
		"User":       "a User",
		"Unit":       "a Unit",
		"Usage":      "a Usage",
		"Euro":       "a Euro",
		"Update":     "an Update",
		"Umbrella":   "an Umbrella",
		"Ubiquity":   "a Ubiquity",
		"ShipmentID": "a ShipmentID",
		"int64":      "an int64",
		"uint8":      "a uint8",
		"string":     "a string",
		"[]string":   "a []string",
		"":           "a ",
	} {
		if got := withArticle(noun); got != want {
			t.Errorf("withArticle(%q) = %q, want %q", noun, got, want)
		}
	}
}

func TestQuote(t *testing.T) {
	for s, want := range map[string]string{
		`{"email":"a@b.c"}`: "`" + `{"email":"a@b.c"}` + "`", // quotes: raw reads better
		`a\b`:               "`a\\b`",
		"plain":             `"plain"`,            // nothing to escape: as it is
		"":                  `""`,                 // empty
		"a`b\"c":            `"a` + "`" + `b\"c"`, // a backquote: interpreted
		"a\"\r\n":           `"a\"\r\n"`,          // control characters: interpreted
		"\"\xff\"":          `"\"\xff\""`,         // invalid UTF-8: interpreted
	} {
		if got := quote(s); got != want {
			t.Errorf("quote(%q) = %s, want %s", s, got, want)
		}
	}
}
