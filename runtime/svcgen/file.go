package svcgen

import (
	"bytes"
	"mime/multipart"
)

// File is a file part of a multipart/form-data request: one the server
// read, or one a client sends (FileOf).
type File struct {
	Filename    string // as the client named it: never trust it as a path
	ContentType string
	Size        int64
	header      *multipart.FileHeader
	data        []byte
}

// FileOf returns a File holding data, for a client to send.
func FileOf(filename, contentType string, data []byte) *File {
	return &File{Filename: filename, ContentType: contentType, Size: int64(len(data)), data: data}
}

// NewFile returns the File of a part the server has read.
func NewFile(h *multipart.FileHeader) *File {
	return &File{Filename: h.Filename, ContentType: h.Header.Get("Content-Type"), Size: h.Size, header: h}
}

// Open returns a reader of the file's content; close it when done.
func (f *File) Open() (multipart.File, error) {
	if f.header == nil {
		return bytesFile{bytes.NewReader(f.data)}, nil
	}
	return f.header.Open()
}

// bytesFile is the content of a File made by FileOf.
type bytesFile struct{ *bytes.Reader }

func (bytesFile) Close() error { return nil }
