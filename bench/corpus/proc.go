package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"syscall"
	"time"
)

// procResult is what one command did.
type procResult struct {
	Stdout, Stderr string
	Exit           int // exit code; -1 when killed by a signal or not started
	Signal         string
	TimedOut       bool
	Wall           time.Duration
	CPU            time.Duration // user + system CPU time of the process (and of the children it waited for)
	MaxRSSKiB      int64         // peak resident set size of the process (Linux: KiB)
	StartErr       error         // the command could not be started
}

// Output is stdout and stderr, for matching.
func (p procResult) Output() string { return p.Stdout + "\n" + p.Stderr }

// OK reports a clean exit 0.
func (p procResult) OK() bool { return p.StartErr == nil && !p.TimedOut && p.Exit == 0 }

// runProc runs name args in dir with env, killing its whole process group
// when timeout passes or ctx ends. The peak RSS and the CPU time come from the
// rusage of wait4, so the RSS is the process's own high-water mark, not a
// sampled one.
func runProc(ctx context.Context, dir string, env []string, timeout time.Duration, name string, args ...string) procResult {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 10 * time.Second

	start := time.Now()
	err := cmd.Run()
	res := procResult{Wall: time.Since(start), Exit: -1}
	res.Stdout, res.Stderr = stdout.String(), stderr.String()
	if cmd.ProcessState == nil {
		res.StartErr = err
		if err == nil {
			res.StartErr = errors.New("not started")
		}
		return res
	}
	res.CPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		res.MaxRSSKiB = ru.Maxrss
	}
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		res.Signal = ws.Signal().String()
	} else {
		res.Exit = cmd.ProcessState.ExitCode()
	}
	if ctx.Err() == context.DeadlineExceeded {
		res.TimedOut = true
	}
	return res
}

// describe says in a few words how a failed command ended, for an error line.
func (p procResult) describe(what string, timeout time.Duration) string {
	switch {
	case p.StartErr != nil:
		return fmt.Sprintf("%s: %v", what, p.StartErr)
	case p.TimedOut:
		return fmt.Sprintf("%s: timed out after %s", what, timeout)
	case p.Signal != "":
		return fmt.Sprintf("%s: killed by signal %s", what, p.Signal)
	default:
		return fmt.Sprintf("%s: exit %d", what, p.Exit)
	}
}
