package logging_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/trace"

	"github.com/moksho/platform/pkg/logging"
)

func TestLoggerMasksPersonalData(t *testing.T) {
	var buf bytes.Buffer
	log := logging.New(&buf, "accounts", logging.ParseLevel("debug"))
	log.Info("user registered",
		"email", "asha@example.com",
		"name", "Asha Rao",
		"password", "correct horse battery",
		"note", "contact asha.rao@example.co.in please",
		"err", errors.New("duplicate key (lower(email))=(asha@example.com)"),
		"user_id", "0b7c",
	)
	out := buf.String()
	for _, leak := range []string{"asha@example.com", "Asha Rao", "correct horse", "asha.rao@example.co.in"} {
		if strings.Contains(out, leak) {
			t.Errorf("log leaks %q: %s", leak, out)
		}
	}
	var rec map[string]any
	if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
		t.Fatalf("not JSON: %v: %s", err, out)
	}
	if rec["service"] != "accounts" || rec["user_id"] != "0b7c" {
		t.Errorf("missing fields: %v", rec)
	}
}

func TestLoggerAddsContextIDs(t *testing.T) {
	var buf bytes.Buffer
	log := logging.New(&buf, "gateway", logging.ParseLevel("info"))
	tid, _ := trace.TraceIDFromHex("4bf92f3577b34da6a3ce929d0e0e4736")
	sid, _ := trace.SpanIDFromHex("00f067aa0ba902b7")
	ctx := trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid}))
	ctx = logging.WithUserID(ctx, "u-1")
	log.With("component", "http").InfoContext(ctx, "request")
	var rec map[string]any
	if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
		t.Fatal(err)
	}
	if rec["trace_id"] != tid.String() || rec["user_id"] != "u-1" || rec["component"] != "http" {
		t.Errorf("record = %v", rec)
	}
}

func TestParseLevel(t *testing.T) {
	for in, want := range map[string]string{"debug": "DEBUG", "WARN": "WARN", "bogus": "INFO", "": "INFO"} {
		if got := logging.ParseLevel(in).String(); got != want {
			t.Errorf("ParseLevel(%q) = %s, want %s", in, got, want)
		}
	}
}
