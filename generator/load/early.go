package load

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/getkin/kin-openapi/openapi3"
)

// earlyMin is the size of a root file from which kin-openapi starts
// loading it while svcgen indexes it (see early). A variable, so that tests
// can have every root loaded early.
var earlyMin = 1 << 20

// early is kin-openapi's load of a large root file that cannot be loaded
// directly (loadDirect: an OpenAPI 3.1 or YAML root, or one referring to
// other files), run while svcgen indexes and checks the file itself. It
// reads the root as read
// from disk, with openBrace's marker, and no other file. loadOpenAPI uses
// its document only where that is what it would load itself, and the load
// succeeded; anything else is loaded again, as if there were no early load.
type early struct {
	data   []byte // what kin-openapi loads
	cancel context.CancelFunc
	done   chan struct{} // closed when doc and err are set
	doc    *openapi3.T
	err    error
}

// errOtherFile stops an early load that needs another file than the root.
var errOtherFile = errors.New("the root refers to another file")

// startEarly starts loading the root p, read as raw, when it is worth it.
func (l *loader) startEarly(p string, raw []byte) *early {
	if len(raw) < earlyMin {
		return nil
	}
	data := openBrace(raw)
	if data == nil || !bytes.Contains(raw, []byte(`"openapi"`)) { // not OpenAPI 3 (Swagger 2.0 is loaded otherwise)
		return nil
	}
	ctx, cancel := context.WithCancel(l.ctx)
	e := &early{data: data, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(e.done)
		defer func() {
			if r := recover(); r != nil {
				e.doc, e.err = nil, fmt.Errorf("panic: %v", r) // loaded again, reported then
			}
		}()
		ld := newKinLoader(ctx, func(*openapi3.Loader, *url.URL) ([]byte, error) { return nil, errOtherFile })
		e.doc, e.err = ld.LoadFromDataWithPath(data, fileURL(p))
	}()
	return e
}

// result waits for the early load and returns its document if it loaded
// data and succeeded.
func (e *early) result(data []byte) (*openapi3.T, bool) {
	if e == nil {
		return nil, false
	}
	<-e.done
	if e.err != nil || !bytes.Equal(e.data, data) {
		return nil, false
	}
	return e.doc, true
}

// running reports whether the early load is still going.
func (e *early) running() bool {
	if e == nil {
		return false
	}
	select {
	case <-e.done:
		return false
	default:
		return true
	}
}

// stop ends an early load that is no longer needed.
func (e *early) stop() {
	if e != nil {
		e.cancel()
	}
}
