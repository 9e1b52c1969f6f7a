package load

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoadOddInputs loads documents that are broken in unusual ways: each
// must give a spec or an *Error, never an internal error.
func TestLoadOddInputs(t *testing.T) {
	const head = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n"
	docs := []string{
		"",
		"[]",
		"42",
		"openapi: [3]\n",
		"openapi: 3.0\ninfo: {title: t, version: '1'}\npaths: {}\n",
		"swagger: '2.0'\npaths: 5\n",
		"swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {/a: {get: {responses: {200: {description: ok, schema: {$ref: 'nowhere.yaml'}}}}}}\n",
		head + "paths: null\n",
		head + "paths: {/a: null}\n",
		head + "paths: {/a: {get: null}}\n",
		head + "paths: {/a: {get: {parameters: [null], responses: {'200': {description: ok}}}}}\n",
		head + "paths: {/a: {get: {responses: null}}}\n",
		head + "paths: {/a: {get: {responses: {'200': null}}}}\n",
		head + "paths: {/a: {$ref: 5}}\n",
		head + "paths: {/a: {$ref: ''}}\n",
		head + "paths: {/a: {$ref: '#'}}\n",
		head + "paths: {/a: {$ref: '#/'}}\n",
		head + "paths: {/a: {$ref: '#/paths/~1a'}}\n",
		head + "paths: {/a: {get: {responses: {'200': {$ref: '#/paths'}}}}}\n",
		head + "paths: {}\ncomponents: {schemas: {A: {$ref: '#/components/schemas/A'}}}\n",
		head + "paths: {}\ncomponents: {schemas: {A: {$ref: 'spec.yaml#/components/schemas/B'}, B: {type: string}}}\n",
		head + "paths: {}\ncomponents: {schemas: {A: {$ref: '/dev/zero'}}}\n",
		head + "paths: {}\ncomponents: {schemas: {A: {$ref: '/'}}}\n",
		head + "paths: {}\ncomponents: {schemas: {A: {$ref: 'file:///nonexistent.yaml#/A'}}}\n",
		head + "paths: {}\ncomponents: {schemas: {A: {$ref: '%zz'}}}\n",
		head + "paths: {}\ncomponents: {schemas: {A: {$ref: 'ftp://x/y.yaml'}}}\n",
		head + "paths: {}\ncomponents: {schemas: {A: {$ref: 'spec.yaml'}}}\n",
		head + "paths: {}\ncomponents: {schemas: {A: null, B: {properties: {x: null}}, C: {items: null, type: array}}}\n",
		head + "paths: {}\ncomponents: {schemas: {A: {type: object, properties: {a: {type: string, pattern: '['}}, example: {a: 1}}}}\n",
		head + "paths: {}\ncomponents: {schemas: {A: {allOf: [{$ref: '#/components/schemas/B'}]}, B: {oneOf: [{$ref: '#/components/schemas/A'}]}}}\n",
		head + "paths: {}\ncomponents: {schemas: {A: {type: [string, integer], default: x, discriminator: {propertyName: k}}}}\n",
		head + "paths: {}\nx: &a {b: *a}\n",
		head + "paths: {}\ndefs: &d {type: string}\ncomponents: {schemas: {A: *d, B: {<<: *d, format: uuid}}}\n",
		head + "paths: {/a/{b}/{b}: {get: {parameters: [{name: b, in: path}], responses: {'200': {description: ok}}}}}\n",
		head + "paths: {/a/{b: {get: {responses: {'200': {description: ok}}}}}\n",
		head + "paths: {/a: {get: {operationId: x}, post: {operationId: x}}}\n",
		head + "paths: {/a: {get: {requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/Nope'}}}}}}}\n",
		head + "paths: {/a: {get: {callbacks: {c: {'{$url}': {post: {responses: {'200': {}}}}}}, responses: {'200': {description: ok}}}}}\n",
		head + "servers: [{url: 'http://{x}/v1'}, null]\npaths: {}\n",
		head + "security: [{a: []}, null]\npaths: {}\n",
		head + "tags: [null]\npaths: {}\n",
		"openapi: 3.1.0\ninfo: {title: t, version: '1'}\nwebhooks: {a: null, b: {post: null}}\n",
		"openapi: 3.1.0\ninfo: {title: t, version: '1'}\ncomponents: {schemas: {A: true, B: false, C: {type: null}}}\n",
		"openapi: 3.2.0\ninfo: {title: t, version: '1'}\npaths: {/a: {additionalOperations: {get: {}, COPY: {responses: {'200': {description: ok}}}}}}\n",
		"{\"openapi\": \"3.0.3\",\t\"info\": {\"title\": \"t\", \"version\": \"1\"},\n\t\"paths\": {\"/a\": 5}}",
		"\ufeffopenapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n",
	}
	for i, doc := range docs {
		p := filepath.Join(t.TempDir(), "spec.yaml")
		if err := os.WriteFile(p, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		spec, _, err := Load(context.Background(), p)
		var e *Error
		switch {
		case err == nil && (spec == nil || spec.Doc == nil):
			t.Errorf("doc %d: no error and no document", i)
		case err != nil && !errors.As(err, &e):
			t.Errorf("doc %d: error of type %T: %v", i, err, err)
		case err != nil && strings.HasPrefix(e.Message, "internal error"):
			t.Errorf("doc %d: %v\n%v", i, err, e.Err)
		}
		if testing.Verbose() {
			t.Logf("doc %d: %v", i, err)
		}
	}
}
