// Command scaling measures how svcgen's generation time and peak memory
// grow with the size of the spec. It writes synthetic specs of growing
// size, runs `svcgen new-service` on each (one process at a time) and
// prints, per shape and size, the spec's size, the wall and CPU time, the
// peak RSS and the growth exponents of CPU time and memory from the size
// before (1 is linear, 2 quadratic). CPU time is the steadier measure on a
// shared machine.
//
//	go run ./bench/scaling                        # every shape, default sizes
//	go run ./bench/scaling -shape chain -sizes 2500,5000,10000
//	go run ./bench/scaling -svcgen /path/to/svcgen   # a binary built elsewhere
//	go run ./bench/scaling -json                   # specs as JSON (svcgen's faster path)
//
// Shapes:
//
//	chain    N object schemas, each with a property that $refs the next
//	schemas  N object schemas of 12 properties each (enums, formats,
//	         arrays, nested objects, refs), each with its CRUD paths
//	models   the schemas of "schemas" without their paths: one
//	         operation lists the first (about 0.9 KB of spec per schema)
//	ops      N operations on N paths sharing a few schemas
//	nest     one schema N/10 levels deep in inline objects, N/10 times
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"go.yaml.in/yaml/v4"
)

func main() {
	shapes := flag.String("shape", "chain,models,schemas,ops,nest", "comma-separated shapes to measure")
	sizesFlag := flag.String("sizes", "1000,2000,4000,8000", "comma-separated sizes N")
	svcgen := flag.String("svcgen", "", "svcgen binary (default: built from this repository)")
	timeout := flag.Duration("timeout", 5*time.Minute, "give up on one generation after this long")
	keep := flag.Bool("keep", false, "keep the specs and services in the temporary folder")
	asJSON := flag.Bool("json", false, "write the specs as indented JSON instead of YAML")
	flag.Parse()

	tmp, err := os.MkdirTemp("", "svcgen-scaling-")
	check(err)
	if !*keep {
		defer os.RemoveAll(tmp)
	} else {
		fmt.Fprintln(os.Stderr, "keeping", tmp)
	}
	bin := *svcgen
	if bin == "" {
		bin = filepath.Join(tmp, "svcgen")
		cmd := exec.Command("go", "build", "-o", bin, ".")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		check(cmd.Run())
	}
	var sizes []int
	for _, s := range strings.Split(*sizesFlag, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		check(err)
		sizes = append(sizes, n)
	}

	fmt.Printf("%-8s %8s %9s %9s %9s %9s %7s %7s  %s\n", "shape", "N", "spec", "wall", "cpu", "peakRSS", "k(cpu)", "k(mem)", "result")
	for _, shape := range strings.Split(*shapes, ",") {
		gen, ok := shapeSpecs[shape]
		if !ok {
			check(fmt.Errorf("unknown shape %q", shape))
		}
		var prevN int
		var prevT, prevM float64
		for _, n := range sizes {
			spec := filepath.Join(tmp, fmt.Sprintf("%s-%d.yaml", shape, n))
			data := []byte(gen(n))
			if *asJSON {
				spec = strings.TrimSuffix(spec, ".yaml") + ".json"
				data = toJSON(data)
			}
			check(os.WriteFile(spec, data, 0o644))
			data = nil
			forgetPeak()
			info, err := os.Stat(spec)
			check(err)
			out := filepath.Join(tmp, fmt.Sprintf("%s-%d", shape, n))
			wall, cpu, rss, res := run(bin, spec, out, *timeout)
			kt, km := "", ""
			if prevN > 0 && res == "ok" {
				r := math.Log(float64(n) / float64(prevN))
				kt = fmt.Sprintf("%.2f", math.Log(cpu.Seconds()/prevT)/r)
				km = fmt.Sprintf("%.2f", math.Log(rss/prevM)/r)
			}
			fmt.Printf("%-8s %8d %8.1fM %8.2fs %8.2fs %8.0fM %7s %7s  %s\n", shape, n, float64(info.Size())/(1<<20), wall.Seconds(), cpu.Seconds(), rss, kt, km, res)
			if res != "ok" {
				break
			}
			prevN, prevT, prevM = n, cpu.Seconds(), rss
			if !*keep {
				os.RemoveAll(out)
				os.Remove(spec)
			}
		}
	}
}

// forgetPeak lowers this process's peak RSS to what it holds now. Linux
// hands a process's peak RSS to the program it starts (os/exec's child
// shares its memory until exec, and exec keeps the peak of what it
// replaces), so the peak wait4 reports for svcgen was at least this
// process's own, which writing a 50 MB spec pushes past 1 GB: the 30,000-
// schema spec measured 1,297 MiB this way and 934 MB under /usr/bin/time.
// Writing 5 to clear_refs resets the peak (Linux 4.0 and later; elsewhere
// the write fails and the peak stays).
func forgetPeak() {
	debug.FreeOSMemory()
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// run generates a service from spec into out and returns the wall time,
// the CPU time, the peak RSS in MiB and "ok" or what went wrong.
func run(bin, spec, out string, timeout time.Duration) (wall, cpu time.Duration, rss float64, result string) {
	cmd := exec.Command(bin, "new-service", "--spec", spec, "--out", out, "--module", "example.com/scale")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	check(cmd.Start())
	timer := time.AfterFunc(timeout, func() { cmd.Process.Kill() })
	err := cmd.Wait()
	timer.Stop()
	wall = time.Since(start)
	cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = float64(ru.Maxrss) / 1024 // KiB on Linux
	}
	switch {
	case wall >= timeout:
		return wall, cpu, rss, "timeout"
	case err != nil:
		msg, _, _ := strings.Cut(strings.TrimSpace(stderr.String()), "\n")
		if len(msg) > 120 {
			msg = msg[:120] + "..."
		}
		return wall, cpu, rss, "failed: " + msg
	}
	return wall, cpu, rss, "ok"
}

// toJSON rewrites a YAML spec as indented JSON.
func toJSON(y []byte) []byte {
	var v any
	check(yaml.Unmarshal(y, &v))
	j, err := json.MarshalIndent(v, "", "  ")
	check(err)
	return j
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "scaling:", err)
		os.Exit(1)
	}
}

var shapeSpecs = map[string]func(n int) string{
	"chain":   chainSpec,
	"schemas": schemasSpec,
	"models":  modelsSpec,
	"ops":     opsSpec,
	"nest":    nestSpec,
}

const header = `openapi: 3.0.3
info: {title: Scale, version: "1"}
`

// chainSpec: S0 → S1 → ... → Sn-1, each a $ref to the next.
func chainSpec(n int) string {
	var b strings.Builder
	b.WriteString(header)
	b.WriteString(`paths:
  /head:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/S0'}
components:
  schemas:
`)
	for i := range n {
		fmt.Fprintf(&b, "    S%d:\n      type: object\n      properties:\n        name: {type: string}\n", i)
		if i+1 < n {
			fmt.Fprintf(&b, "        next: {$ref: '#/components/schemas/S%d'}\n", i+1)
		}
	}
	return b.String()
}

// schemasSpec: n resources, each a schema of 12 properties with its
// collection and item paths (about 1.7 KB of spec per schema).
func schemasSpec(n int) string {
	var b strings.Builder
	b.WriteString(header)
	b.WriteString("paths:\n")
	for i := range n {
		fmt.Fprintf(&b, `  /r%[1]d:
    get:
      operationId: listR%[1]d
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/R%[1]d'}}
    post:
      operationId: createR%[1]d
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/R%[1]d'}
      responses:
        "201":
          description: created
          content:
            application/json:
              schema: {$ref: '#/components/schemas/R%[1]d'}
  /r%[1]d/{id}:
    get:
      operationId: getR%[1]d
      parameters:
        - {name: id, in: path, required: true, schema: {type: string, format: uuid}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/R%[1]d'}
`, i)
	}
	writeModels(&b, n)
	return b.String()
}

// modelsSpec: n schemas of 12 properties, one operation.
func modelsSpec(n int) string {
	var b strings.Builder
	b.WriteString(header)
	b.WriteString(`paths:
  /r:
    get:
      operationId: listR
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/R0'}}
`)
	writeModels(&b, n)
	return b.String()
}

// writeModels writes n schemas R0..Rn-1 of 12 properties, each referring
// to the next.
func writeModels(b *strings.Builder, n int) {
	b.WriteString("components:\n  schemas:\n")
	for i := range n {
		fmt.Fprintf(b, `    R%[1]d:
      type: object
      required: [name, kind]
      properties:
        id: {type: string, format: uuid, readOnly: true}
        name: {type: string, minLength: 1, maxLength: 200}
        kind: {type: string, enum: [small, medium, large]}
        count: {type: integer, format: int32, minimum: 0}
        price: {type: number, format: double}
        active: {type: boolean}
        createdAt: {type: string, format: date-time, readOnly: true}
        tags: {type: array, items: {type: string}, maxItems: 20}
        email: {type: string, format: email}
        address:
          type: object
          properties:
            street: {type: string}
            city: {type: string}
        labels: {type: object, additionalProperties: {type: string}}
        other: {$ref: '#/components/schemas/R%[2]d'}
`, i, (i+1)%n)
	}
}

// opsSpec: n operations on n paths, sharing two schemas.
func opsSpec(n int) string {
	var b strings.Builder
	b.WriteString(header)
	b.WriteString("paths:\n")
	for i := range n {
		fmt.Fprintf(&b, `  /things%[1]d/{thingId}:
    get:
      operationId: getThing%[1]d
      parameters:
        - {name: thingId, in: path, required: true, schema: {type: integer}}
        - {name: verbose, in: query, schema: {type: boolean}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
        "404":
          description: not found
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Err'}
`, i)
	}
	b.WriteString(`components:
  schemas:
    Thing:
      type: object
      properties:
        id: {type: integer}
        name: {type: string}
    Err:
      type: object
      properties:
        message: {type: string}
`)
	return b.String()
}

// nestSpec: n/10 schemas, each 10 levels of inline objects deep.
func nestSpec(n int) string {
	var b strings.Builder
	b.WriteString(header)
	b.WriteString(`paths:
  /n:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/N0'}
components:
  schemas:
`)
	for i := range max(n/10, 1) {
		fmt.Fprintf(&b, "    N%d:\n", i)
		indent := "      "
		for d := range 10 {
			fmt.Fprintf(&b, "%stype: object\n%sproperties:\n%s  v%d: {type: string}\n%s  child:\n", indent, indent, indent, d, indent)
			indent += "    "
		}
		fmt.Fprintf(&b, "%stype: string\n", indent)
	}
	return b.String()
}
