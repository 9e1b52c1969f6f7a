// Package templates holds the text/template sources of a generated service.
// Each file under service/ renders the output file at the same path without
// the .tmpl suffix; partials/ holds shared {{define}} blocks.
package templates

import "embed"

// FS holds every template. all: keeps dotfiles such as .gitignore.tmpl.
//
//go:embed all:service partials
var FS embed.FS
