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
