package svcgen

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
