package svcgen

import "mime/multipart"

// File is a file part of a multipart/form-data request.
type File struct {
	Filename    string // as the client named it: never trust it as a path
	ContentType string
	Size        int64
	header      *multipart.FileHeader
}

// NewFile returns the File of a part the server has read.
func NewFile(h *multipart.FileHeader) *File {
	return &File{Filename: h.Filename, ContentType: h.Header.Get("Content-Type"), Size: h.Size, header: h}
}

// Open returns a reader of the file's content; close it when done.
func (f *File) Open() (multipart.File, error) { return f.header.Open() }
