package main

import (
	"context"
	"io"
)

// interruptible runs f, a step of a job that works in memory only
// (tabulating the results, drawing the figures, reading a table), in a
// goroutine of its own and returns what f returns, or errCanceled as soon
// as ctx ends, whichever comes first: a signal stops the job within
// moments however long f takes. f is then left to finish unobserved, its
// results dropped; it must therefore write nothing the caller reads
// afterwards and touch no file, which the caller commits later or not at
// all (see output.Dir.WriteJob). f should still return early when ctx
// ends, where it can, so as not to keep a core busy for nothing.
func interruptible[T any](ctx context.Context, f func() (T, error)) (T, error) {
	var zero T
	if ctx.Err() != nil {
		return zero, errCanceled
	}
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1) // f never blocks on an abandoned send
	go func() {
		v, err := f()
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		if r.err != nil && ctx.Err() != nil {
			return zero, errCanceled // f gave up on seeing ctx end
		}
		return r.v, r.err
	case <-ctx.Done():
		return zero, errCanceled
	}
}

// ctxReader fails reads with errCanceled once its context ends, so that
// reading a large file stops within one buffer of a signal.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if c.ctx.Err() != nil {
		return 0, errCanceled
	}
	return c.r.Read(p)
}
