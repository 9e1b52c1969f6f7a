package svcgen

import "context"

// Credentials is what a request presents for one security scheme of the
// spec: the server hands them to the service's Authenticate method, and a
// client sends them.
type Credentials struct {
	Scheme   string   // the scheme's name in the spec's securitySchemes
	Token    string   // the bearer token or API key
	Username string   // HTTP basic
	Password string   // HTTP basic
	Scopes   []string // the OAuth2 or OpenID Connect scopes the operation asks for
}

// Scheme is a security scheme of the spec: where a request carries
// credentials for it. The server reads them from there and the client puts
// them there.
type Scheme struct {
	Name  string // in the spec
	Kind  string // bearer, basic, http, apiKey, oauth2 or openIdConnect
	Auth  string // the Authorization header's scheme: Bearer, Basic...
	In    string // apiKey: header, query or cookie
	Param string // apiKey: its name
}

// Requirement is one way to satisfy an operation's security: the
// credentials of every scheme in it. An empty one lets anyone through.
type Requirement []Use

// Use is a scheme of a requirement, with the scopes it asks for.
type Use struct {
	Scheme *Scheme
	Scopes []string
}

// StaticCredentials returns a CallerOptions.Credentials function that
// gives each of creds for the scheme it names.
func StaticCredentials(creds ...Credentials) func(ctx context.Context, scheme string) (Credentials, bool) {
	byScheme := make(map[string]Credentials, len(creds))
	for _, c := range creds {
		byScheme[c.Scheme] = c
	}
	return func(_ context.Context, scheme string) (Credentials, bool) {
		c, ok := byScheme[scheme]
		return c, ok
	}
}
