// Package write puts a rendered tree on disk safely.
package write
