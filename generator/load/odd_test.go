package load

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// oddHead starts a valid OpenAPI 3.0 document.
const oddHead = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n"

// oddDocs are documents broken in unusual ways. They are also seeds of
// FuzzLoad.
var oddDocs = []string{
	"",
	"[]",
	"42",
	"openapi: [3]\n",
	"openapi: 3.0\ninfo: {title: t, version: '1'}\npaths: {}\n",
	"swagger: '2.0'\npaths: 5\n",
	"swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {/a: {get: {responses: {200: {description: ok, schema: {$ref: 'nowhere.yaml'}}}}}}\n",
	oddHead + "paths: null\n",
	oddHead + "paths: {/a: null}\n",
	oddHead + "paths: {/a: {get: null}}\n",
	oddHead + "paths: {/a: {get: {parameters: [null], responses: {'200': {description: ok}}}}}\n",
	oddHead + "paths: {/a: {get: {responses: null}}}\n",
	oddHead + "paths: {/a: {get: {responses: {'200': null}}}}\n",
	oddHead + "paths: {/a: {$ref: 5}}\n",
	oddHead + "paths: {/a: {$ref: ''}}\n",
	oddHead + "paths: {/a: {$ref: '#'}}\n",
	oddHead + "paths: {/a: {$ref: '#/'}}\n",
	oddHead + "paths: {/a: {$ref: '#/paths/~1a'}}\n",
	oddHead + "paths: {/a: {get: {responses: {'200': {$ref: '#/paths'}}}}}\n",
	oddHead + "paths: {}\ncomponents: {schemas: {A: {$ref: '#/components/schemas/A'}}}\n",
	oddHead + "paths: {}\ncomponents: {schemas: {A: {$ref: 'spec.yaml#/components/schemas/B'}, B: {type: string}}}\n",
	oddHead + "paths: {}\ncomponents: {schemas: {A: {$ref: '/dev/zero'}}}\n",
	oddHead + "paths: {}\ncomponents: {schemas: {A: {$ref: '/'}}}\n",
	oddHead + "paths: {}\ncomponents: {schemas: {A: {$ref: 'file:///nonexistent.yaml#/A'}}}\n",
	oddHead + "paths: {}\ncomponents: {schemas: {A: {$ref: '%zz'}}}\n",
	oddHead + "paths: {}\ncomponents: {schemas: {A: {$ref: 'ftp://x/y.yaml'}}}\n",
	oddHead + "paths: {}\ncomponents: {schemas: {A: {$ref: 'spec.yaml'}}}\n",
	oddHead + "paths: {}\ncomponents: {schemas: {A: null, B: {properties: {x: null}}, C: {items: null, type: array}}}\n",
	oddHead + "paths: {}\ncomponents: {schemas: {A: {type: object, properties: {a: {type: string, pattern: '['}}, example: {a: 1}}}}\n",
	oddHead + "paths: {}\ncomponents: {schemas: {A: {allOf: [{$ref: '#/components/schemas/B'}]}, B: {oneOf: [{$ref: '#/components/schemas/A'}]}}}\n",
	oddHead + "paths: {}\ncomponents: {schemas: {A: {type: [string, integer], default: x, discriminator: {propertyName: k}}}}\n",
	oddHead + "paths: {}\nx: &a {b: *a}\n",
	oddHead + "paths: {}\ndefs: &d {type: string}\ncomponents: {schemas: {A: *d, B: {<<: *d, format: uuid}}}\n",
	oddHead + "paths: {/a/{b}/{b}: {get: {parameters: [{name: b, in: path}], responses: {'200': {description: ok}}}}}\n",
	oddHead + "paths: {/a/{b: {get: {responses: {'200': {description: ok}}}}}\n",
	oddHead + "paths: {/a: {get: {operationId: x}, post: {operationId: x}}}\n",
	oddHead + "paths: {/a: {get: {requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/Nope'}}}}}}}\n",
	oddHead + "paths: {/a: {get: {callbacks: {c: {'{$url}': {post: {responses: {'200': {}}}}}}, responses: {'200': {description: ok}}}}}\n",
	oddHead + "servers: [{url: 'http://{x}/v1'}, null]\npaths: {}\n",
	oddHead + "security: [{a: []}, null]\npaths: {}\n",
	oddHead + "tags: [null]\npaths: {}\n",
	"openapi: 3.1.0\ninfo: {title: t, version: '1'}\nwebhooks: {a: null, b: {post: null}}\n",
	"openapi: 3.1.0\ninfo: {title: t, version: '1'}\ncomponents: {schemas: {A: true, B: false, C: {type: null}}}\n",
	"openapi: 3.2.0\ninfo: {title: t, version: '1'}\npaths: {/a: {additionalOperations: {get: {}, COPY: {responses: {'200': {description: ok}}}}}}\n",
	"{\"openapi\": \"3.0.3\",\t\"info\": {\"title\": \"t\", \"version\": \"1\"},\n\t\"paths\": {\"/a\": 5}}",
	"\ufeffopenapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n",
}

// TestLoadOddInputs loads oddDocs: each must give a spec or an *Error,
// never an internal error.
func TestLoadOddInputs(t *testing.T) {
	for i, doc := range oddDocs {
		p := filepath.Join(t.TempDir(), "spec.yaml")
		if err := os.WriteFile(p, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		spec, _, err := Load(context.Background(), p)
		t.Logf("doc %d: %v", i, err)
		checkContract(t, spec, err)
	}
}
