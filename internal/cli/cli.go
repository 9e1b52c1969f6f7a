// Package cli is svcgen's command line: cobra commands that parse flags,
// call the generator and write its output. main only calls [Run]; nothing
// here exits the process or uses the process's standard streams directly.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/svcgen/svcgen/generator"
	"github.com/svcgen/svcgen/generator/write"
)

// Exit codes (README.md, "Usage").
const (
	exitOK    = 0 // done
	exitError = 1 // spec, I/O or other failure of the work itself
	exitUsage = 2 // the command line is wrong
)

// Run executes the svcgen command line args (without the program name) and
// returns the process exit code.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if n, err := strconv.Atoi(os.Getenv(write.CrashEnv)); err == nil {
		write.CrashAfter(n) // the crash tests' kill switch
	}
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr, generate: generator.Generate,
		keepPanics: os.Getenv("SVCGEN_PANIC") != ""}
	return a.execute(a.newRootCmd(nil), args)
}

// app is what every command shares: the streams and the seams tests replace.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer

	// generate runs the generator; tests replace it with a fake.
	generate func(context.Context, generator.Options) (*generator.Result, error)

	// keepPanics lets a panic in the generator crash svcgen with its
	// stack (SVCGEN_PANIC=1), for debugging svcgen.
	keepPanics bool

	// started is set once a command's own work begins. An error returned
	// before that came from cobra (unknown command, bad arguments) and is a
	// usage error.
	started bool
}

// usageError marks an error in the command line itself: exit code 2 and a
// pointer to --help.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usageErrorf(format string, args ...any) error {
	return &usageError{fmt.Errorf(format, args...)}
}

// execute runs root with args, prints any error as "svcgen: <error>" and
// maps it to an exit code.
func (a *app) execute(root *cobra.Command, args []string) int {
	if args == nil {
		args = []string{} // cobra reads os.Args when given nil
	}
	root.SetArgs(args)
	a.started = false
	cmd, err := root.ExecuteContextC(context.Background())
	if err == nil {
		return exitOK
	}
	fmt.Fprintf(a.stderr, "svcgen: %v\n", err)
	var ue *usageError
	if errors.As(err, &ue) || !a.started {
		if cmd == nil {
			cmd = root
		}
		fmt.Fprintf(a.stderr, "Run '%s --help' for usage.\n", cmd.CommandPath())
		return exitUsage
	}
	return exitError
}

// newRootCmd builds the svcgen command tree. newServiceRunF, when not nil,
// replaces the work of new-service (see [NewServiceOptions]).
func (a *app) newRootCmd(newServiceRunF func(*NewServiceOptions) error) *cobra.Command {
	root := &cobra.Command{
		Use:   "svcgen",
		Short: "Turn an OpenAPI spec into a complete Go microservice repository",
		Long: `svcgen turns an OpenAPI description (3.0, 3.1 or Swagger 2.0) into a complete,
tested Go microservice repository: HTTP handlers with request validation, a
typed service interface, storage with migrations, health checks, metrics,
Dockerfile, CI and README.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRun: func(*cobra.Command, []string) {
			a.started = true
		},
	}
	root.SetIn(a.stdin)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &usageError{err}
	})
	root.AddCommand(
		a.newNewServiceCmd(newServiceRunF),
		a.newRegenerateCmd(),
		a.newVersionCmd(),
	)
	return root
}

// newVersionCmd builds `svcgen version`.
func (a *app) newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print svcgen's version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintf(cmd.OutOrStdout(), "svcgen %s\n", generator.Version)
			return err
		},
		ValidArgsFunction: cobra.NoFileCompletions,
	}
}
