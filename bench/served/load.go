package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// benchCase is one request wrk repeats.
type benchCase struct {
	Name, Label  string
	Method, Path string
	Body         string
	Status       int
}

func newPetJSON(i int) string {
	return fmt.Sprintf(`{"name":"Rex %d","kind":"dog","age":%d,"owner":{"email":"ann%d@example.com","phone":"+1555000%04d"},"tags":["friendly","small"]}`, i, i%20, i, i)
}

func allCases() []benchCase {
	pets := make([]string, 100)
	for i := range pets {
		pets[i] = newPetJSON(i)
	}
	return []benchCase{
		{Name: "get", Label: "GET /pets/{id}?view=full", Method: "GET", Path: "/pets/42?view=full", Status: 200},
		{Name: "post", Label: "POST /pets (validated body)", Method: "POST", Path: "/pets", Body: newPetJSON(7), Status: 201},
		{Name: "batch", Label: "POST /batches (100 nested items)", Method: "POST", Path: "/batches", Body: `{"pets":[` + strings.Join(pets, ",") + `]}`, Status: 200},
		{Name: "list", Label: "GET /pets (100 pets answered)", Method: "GET", Path: "/pets", Status: 200},
	}
}

// wrkScript is the Lua wrk runs for c: the request, and a JSON line at the
// end with what the harness reads.
func wrkScript(c benchCase) string {
	var b strings.Builder
	fmt.Fprintf(&b, "wrk.method = %q\nwrk.path = %q\n", c.Method, c.Path)
	if c.Body != "" {
		fmt.Fprintf(&b, "wrk.body = [==[%s]==]\nwrk.headers[\"Content-Type\"] = \"application/json\"\n", c.Body)
	}
	b.WriteString(`
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('RESULT {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
`)
	return b.String()
}

// wrkResult is what wrk's done() prints.
type wrkResult struct {
	Requests   int64 `json:"requests"`
	DurationUS int64 `json:"duration_us"`
	P50US      int64 `json:"p50_us"`
	P99US      int64 `json:"p99_us"`
	Connect    int64 `json:"connect"`
	Read       int64 `json:"read"`
	Write      int64 `json:"write"`
	Status     int64 `json:"status"`
	Timeout    int64 `json:"timeout"`
}

func (r wrkResult) errors() int64 { return r.Connect + r.Read + r.Write + r.Status + r.Timeout }

// runWrk runs wrk on cpu against the server at addr for d.
func runWrk(ctx context.Context, cfg config, script, addr string, d time.Duration) (wrkResult, error) {
	args := []string{"-c", strconv.Itoa(cfg.wrkCPU), "wrk", "-t1", "-c" + strconv.Itoa(cfg.connections),
		"-d" + strconv.Itoa(int(d.Seconds())) + "s", "--timeout", "5s", "-s", script, "http://" + addr}
	cmd := exec.CommandContext(ctx, "taskset", args...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return wrkResult{}, fmt.Errorf("wrk: %v\n%s", err, out)
	}
	for _, l := range strings.Split(string(out), "\n") {
		if rest, ok := strings.CutPrefix(l, "RESULT "); ok {
			var r wrkResult
			if err := json.Unmarshal([]byte(rest), &r); err != nil {
				return wrkResult{}, fmt.Errorf("wrk's result %q: %v", rest, err)
			}
			return r, nil
		}
	}
	return wrkResult{}, fmt.Errorf("wrk printed no result:\n%s", out)
}

// cpuTicks is the process's user plus system time in clock ticks, from
// /proc/PID/stat (fields 14 and 15).
func cpuTicks(pid int) (int64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	s := string(data)
	// The command name (field 2) may hold spaces; fields after it follow ")".
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	if len(f) < 13 {
		return 0, fmt.Errorf("short /proc/%d/stat", pid)
	}
	u, err1 := strconv.ParseInt(f[11], 10, 64)
	k, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: %q", pid, s)
	}
	return u + k, nil
}

// ticksPerSecond is USER_HZ, 100 on every Linux the go command supports.
const ticksPerSecond = 100

// running is a started server.
type running struct {
	cmd  *exec.Cmd
	addr string
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// start runs bin pinned to cfg.serverCPU and waits until it answers.
func start(cfg config, s server, bin, workdir string) (*running, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(workdir, "run-"+s.Name)
	os.RemoveAll(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	cmd := exec.Command("taskset", "-c", strconv.Itoa(cfg.serverCPU), bin)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PORT="+strconv.Itoa(port), "HOST=127.0.0.1",
		"DATABASE_URL=sqlite:"+filepath.Join(dir, "pets.db"))
	cmd.Env = append(cmd.Env, s.Env...)
	logf, err := os.Create(filepath.Join(dir, "stderr.log"))
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		return nil, err
	}
	defer devnull.Close()
	cmd.Stdout = devnull // svcgen's request log goes to standard output
	cmd.Stderr = logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	r := &running{cmd: cmd, addr: "127.0.0.1:" + strconv.Itoa(port)}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + r.addr + "/pets/1")
		if err == nil {
			resp.Body.Close()
			return r, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	r.stop()
	log, _ := os.ReadFile(filepath.Join(dir, "stderr.log"))
	return nil, fmt.Errorf("%s did not answer within 20s:\n%s", s.Name, log)
}

func (r *running) stop() {
	if r.cmd.Process != nil {
		_ = syscall.Kill(-r.cmd.Process.Pid, syscall.SIGKILL)
		_, _ = r.cmd.Process.Wait()
	}
}
