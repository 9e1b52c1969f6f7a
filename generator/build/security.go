package build

import (
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/svcgen/svcgen/generator/model"
)

// security builds the ways a request to operation o may authenticate: its
// own security requirements, or the spec's when it states none.
func (b *builder) security(o *openapi3.Operation, ptr string) []*model.SecurityAlternative {
	reqs := b.doc.Security
	reqPtr := "#/security"
	if o.Security != nil {
		reqs, reqPtr = *o.Security, ptr+"/security"
	}
	var out []*model.SecurityAlternative
	for _, req := range reqs {
		alt := &model.SecurityAlternative{}
		usable := true
		for _, name := range sortedKeys(req) {
			s := b.scheme(name, reqPtr)
			if s == nil {
				usable = false
				break
			}
			scopes := append([]string(nil), req[name]...)
			sort.Strings(scopes)
			alt.Uses = append(alt.Uses, &model.SecurityUse{Scheme: s, Scopes: scopes})
		}
		if usable {
			out = append(out, alt)
		}
	}
	anonymousOnly := len(out) > 0
	for _, a := range out {
		anonymousOnly = anonymousOnly && len(a.Uses) == 0
	}
	if anonymousOnly {
		// Nothing to check: "security: [{}]" lets everyone in.
		out = nil
	}
	if len(reqs) > 0 && len(out) == 0 && !anonymousOnly {
		// Every alternative needs a scheme svcgen cannot check: say so,
		// and let requests through rather than refuse them all.
		b.degrade(reqPtr, "security requirements", "not enforced: no scheme svcgen can check")
	}
	return out
}

// scheme returns the model of the security scheme called name, made on
// first use, or nil when svcgen cannot check it (mutual TLS, a missing
// scheme); that is recorded in the coverage report once.
func (b *builder) scheme(name, reqPtr string) *model.SecurityScheme {
	if s, seen := b.schemes[name]; seen {
		return s
	}
	b.schemes[name] = nil
	ptr := "#/components/securitySchemes/" + escape(name)
	var ss *openapi3.SecurityScheme
	if b.doc.Components != nil {
		if ref := b.doc.Components.SecuritySchemes[name]; ref != nil {
			ss = ref.Value
		}
	}
	if ss == nil {
		b.degrade(reqPtr, "security scheme "+quote(name)+" is not defined", "not enforced")
		return nil
	}
	s := &model.SecurityScheme{Name: name, Var: b.vars.Take("scheme" + model.Exported(name))}
	switch strings.ToLower(ss.Type) {
	case "http":
		scheme := strings.ToLower(ss.Scheme)
		switch scheme {
		case "bearer":
			s.Kind, s.Auth = "bearer", "Bearer"
		case "basic":
			s.Kind, s.Auth = "basic", "Basic"
		case "":
			b.degrade(ptr, "HTTP security scheme without a scheme", "not enforced")
			return nil
		default:
			s.Kind, s.Auth = "http", model.Exported(scheme)
			if s.Auth == "" {
				s.Auth = ss.Scheme
			}
		}
	case "apikey":
		switch ss.In {
		case "header", "query", "cookie":
		default:
			b.degrade(ptr, "API key in "+quote(ss.In), "not enforced")
			return nil
		}
		if ss.Name == "" {
			b.degrade(ptr, "API key without a name", "not enforced")
			return nil
		}
		s.Kind, s.In, s.Param = "apiKey", ss.In, ss.Name
	case "oauth2", "openidconnect":
		// Resource servers see OAuth2 and OpenID Connect as a bearer token;
		// checking it (and its scopes) is the Authenticator's job.
		s.Kind, s.Auth = ss.Type, "Bearer"
	default:
		b.degrade(ptr, ss.Type+" security scheme", "not enforced: requests using only it are let through")
		return nil
	}
	b.schemes[name] = s
	return s
}
