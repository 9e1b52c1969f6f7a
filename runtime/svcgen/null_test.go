package svcgen

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestDecodeNonNull(t *testing.T) {
	for _, tc := range []struct {
		data    string
		wantErr string // "" for none
		want    *string
	}{
		{data: `"x"`, want: Ptr("x")},
		{data: `null`, wantErr: "null"},
		{data: ` null `, wantErr: "null"},
		{data: `1`, wantErr: "number"},
	} {
		var v *string
		err := DecodeNonNull([]byte(tc.data), &v, "phone")
		if tc.wantErr == "" {
			if err != nil || v == nil || *v != *tc.want {
				t.Errorf("%s: got %v, %v; want %q", tc.data, v, err, *tc.want)
			}
			continue
		}
		var te *json.UnmarshalTypeError
		if !errors.As(err, &te) || te.Field != "phone" || te.Value != tc.wantErr {
			t.Errorf("%s: got %v, want a type error at phone, value %s", tc.data, err, tc.wantErr)
			continue
		}
		if fe := JSONError(err); fe.Pointer != "#/phone" || fe.Detail != "must be a string, not null" && tc.wantErr == "null" {
			t.Errorf("%s: field error %+v", tc.data, fe)
		}
	}
}
