package main

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
)

// interruptible returns f's results, or errCanceled as soon as the
// context ends, without waiting for f.
func TestInterruptible(t *testing.T) {
	bad := errors.New("bad input")
	for _, tc := range []struct {
		name    string
		cancel  string // "before", "during" (f blocks until the context ends, then fails), "" (never)
		f       func(ctx context.Context, release chan struct{}) (int, error)
		want    int
		wantErr error
	}{
		{name: "result", f: func(context.Context, chan struct{}) (int, error) { return 7, nil }, want: 7},
		{name: "error", f: func(context.Context, chan struct{}) (int, error) { return 0, bad }, wantErr: bad},
		{name: "canceled before", cancel: "before", f: func(context.Context, chan struct{}) (int, error) {
			t.Error("f ran on an ended context")
			return 7, nil
		}, wantErr: errCanceled},
		{name: "abandoned while f runs", cancel: "during", f: func(_ context.Context, release chan struct{}) (int, error) {
			<-release // returns only after interruptible did
			return 7, nil
		}, wantErr: errCanceled},
		{name: "f gives up on the ended context", cancel: "during", f: func(ctx context.Context, _ chan struct{}) (int, error) {
			<-ctx.Done()
			return 0, ctx.Err()
		}, wantErr: errCanceled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			release := make(chan struct{})
			defer close(release)
			if tc.cancel == "before" {
				cancel()
			}
			started := make(chan struct{})
			if tc.cancel == "during" {
				go func() { <-started; cancel() }()
			}
			got, err := interruptible(ctx, func() (int, error) {
				close(started)
				return tc.f(ctx, release)
			})
			if !errors.Is(err, tc.wantErr) || err == nil && tc.wantErr != nil {
				t.Fatalf("got error %v, want %v", err, tc.wantErr)
			}
			if tc.wantErr == nil && got != tc.want {
				t.Errorf("got %d, want %d", got, tc.want)
			}
		})
	}
}

// A ctxReader reads until its context ends, then fails with errCanceled.
func TestCtxReader(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	r := ctxReader{ctx: ctx, r: strings.NewReader("abcdef")}
	buf := make([]byte, 3)
	if n, err := r.Read(buf); n != 3 || err != nil {
		t.Fatalf("got %d, %v; want 3 bytes", n, err)
	}
	cancel()
	if _, err := io.ReadAll(r); !errors.Is(err, errCanceled) {
		t.Fatalf("got %v after the context ended, want errCanceled", err)
	}
}
