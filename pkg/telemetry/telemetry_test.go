package telemetry_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/baggage"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"

	"github.com/moksho/platform/pkg/telemetry"
)

// clearEnv blanks every OTEL variable Setup reads, so the developer's or
// CI's environment cannot change a test's outcome.
func clearEnv(t *testing.T) {
	for _, k := range []string{
		"OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
		"OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
		"OTEL_TRACES_EXPORTER", "OTEL_TRACES_SAMPLER", "OTEL_TRACES_SAMPLER_ARG",
		"OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES",
	} {
		t.Setenv(k, "")
	}
}

// restoreGlobals puts back the global OpenTelemetry state after a test.
func restoreGlobals(t *testing.T) {
	tp, prop := otel.GetTracerProvider(), otel.GetTextMapPropagator()
	t.Cleanup(func() {
		otel.SetTracerProvider(tp)
		otel.SetTextMapPropagator(prop)
	})
}

func setup(t *testing.T, service string) func(context.Context) error {
	t.Helper()
	restoreGlobals(t)
	shutdown, err := telemetry.Setup(context.Background(), service)
	if err != nil {
		t.Fatalf("Setup: %v", err)
	}
	return shutdown
}

func TestSetupWithoutExporter(t *testing.T) {
	clearEnv(t)
	shutdown := setup(t, "accounts")
	defer shutdown(context.Background())

	member, _ := baggage.NewMember("tenant", "org-1")
	bag, _ := baggage.New(member)
	ctx := baggage.ContextWithBaggage(context.Background(), bag)
	ctx, span := otel.Tracer("test").Start(ctx, "op")
	defer span.End()

	sc := span.SpanContext()
	if !sc.TraceID().IsValid() || !sc.IsSampled() || !span.IsRecording() {
		t.Fatalf("span: trace ID valid %v, sampled %v, recording %v; want all true",
			sc.TraceID().IsValid(), sc.IsSampled(), span.IsRecording())
	}
	ro, ok := span.(sdktrace.ReadOnlySpan)
	if !ok {
		t.Fatalf("span is %T, not an SDK span", span)
	}
	if got := resourceValue(ro, "service.name"); got != "accounts" {
		t.Errorf("service.name = %q, want accounts", got)
	}

	h := http.Header{}
	otel.GetTextMapPropagator().Inject(ctx, propagation.HeaderCarrier(h))
	if tp := h.Get("traceparent"); !strings.Contains(tp, sc.TraceID().String()) || !strings.HasSuffix(tp, "-01") {
		t.Errorf("traceparent = %q, want the span's trace ID %s, sampled", tp, sc.TraceID())
	}
	if b := h.Get("baggage"); b != "tenant=org-1" {
		t.Errorf("baggage header = %q, want tenant=org-1", b)
	}

	// The receiving side continues the same trace.
	in := otel.GetTextMapPropagator().Extract(context.Background(), propagation.HeaderCarrier(h))
	_, child := otel.Tracer("test").Start(in, "remote")
	defer child.End()
	if child.SpanContext().TraceID() != sc.TraceID() {
		t.Errorf("extracted child trace %s, want %s", child.SpanContext().TraceID(), sc.TraceID())
	}
}

func TestSetupServiceNameFromEnvWins(t *testing.T) {
	clearEnv(t)
	t.Setenv("OTEL_SERVICE_NAME", "renamed")
	shutdown := setup(t, "accounts")
	defer shutdown(context.Background())
	_, span := otel.Tracer("test").Start(context.Background(), "op")
	defer span.End()
	if got := resourceValue(span.(sdktrace.ReadOnlySpan), "service.name"); got != "renamed" {
		t.Errorf("service.name = %q, want the OTEL_SERVICE_NAME value", got)
	}
}

func TestSetupRejects(t *testing.T) {
	tests := []struct {
		name    string
		service string
		env     map[string]string
	}{
		{name: "empty service", service: ""},
		{name: "unknown protocol", service: "s", env: map[string]string{
			"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:1", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearEnv(t)
			restoreGlobals(t)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			if _, err := telemetry.Setup(context.Background(), tt.service); err == nil {
				t.Error("Setup succeeded, want an error")
			}
		})
	}
}

// receiver collects the spans an OTLP exporter sends it.
type receiver struct {
	collectortrace.UnimplementedTraceServiceServer
	mu       sync.Mutex
	requests int
	spans    []string // "service/span"
}

func (r *receiver) add(req *collectortrace.ExportTraceServiceRequest) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests++
	for _, rs := range req.GetResourceSpans() {
		var service string
		for _, kv := range rs.GetResource().GetAttributes() {
			if kv.GetKey() == "service.name" {
				service = kv.GetValue().GetStringValue()
			}
		}
		for _, ss := range rs.GetScopeSpans() {
			for _, s := range ss.GetSpans() {
				r.spans = append(r.spans, service+"/"+s.GetName())
			}
		}
	}
}

func (r *receiver) Export(_ context.Context, req *collectortrace.ExportTraceServiceRequest) (*collectortrace.ExportTraceServiceResponse, error) {
	r.add(req)
	return &collectortrace.ExportTraceServiceResponse{}, nil
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodPost || req.URL.Path != "/v1/traces" {
		http.NotFound(w, req)
		return
	}
	body, err := io.ReadAll(req.Body)
	var msg collectortrace.ExportTraceServiceRequest
	if err != nil || proto.Unmarshal(body, &msg) != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	r.add(&msg)
	w.Header().Set("Content-Type", "application/x-protobuf")
	out, _ := proto.Marshal(&collectortrace.ExportTraceServiceResponse{})
	_, _ = w.Write(out)
}

func (r *receiver) snapshot() (int, []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.requests, append([]string(nil), r.spans...)
}

func httpReceiver(t *testing.T, r *receiver) string {
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return srv.URL
}

func grpcReceiver(t *testing.T, r *receiver) string {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	collectortrace.RegisterTraceServiceServer(srv, r)
	go srv.Serve(lis)
	t.Cleanup(srv.Stop)
	return "http://" + lis.Addr().String()
}

func TestSetupExportsOnlyWhenConfigured(t *testing.T) {
	tests := []struct {
		name       string
		start      func(*testing.T, *receiver) string
		env        func(url string) map[string]string
		wantExport bool
	}{
		{
			name:       "http/protobuf by default",
			start:      httpReceiver,
			env:        func(u string) map[string]string { return map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": u} },
			wantExport: true,
		},
		{
			name:  "traces endpoint alone",
			start: httpReceiver,
			env: func(u string) map[string]string {
				return map[string]string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": u + "/v1/traces"}
			},
			wantExport: true,
		},
		{
			name:  "grpc",
			start: grpcReceiver,
			env: func(u string) map[string]string {
				return map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": u, "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"}
			},
			wantExport: true,
		},
		{
			name:  "exporter none",
			start: httpReceiver,
			env: func(u string) map[string]string {
				return map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": u, "OTEL_TRACES_EXPORTER": "none"}
			},
		},
		{
			name:  "no endpoint",
			start: httpReceiver,
			env:   func(string) map[string]string { return nil },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearEnv(t)
			r := &receiver{}
			url := tt.start(t, r)
			for k, v := range tt.env(url) {
				t.Setenv(k, v)
			}
			logs := captureDefaultLog(t)
			shutdown := setup(t, "evaluation")

			_, span := otel.Tracer("test").Start(context.Background(), "score-answer")
			if !span.SpanContext().IsValid() {
				t.Fatal("span has no valid context")
			}
			span.End()

			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := shutdown(ctx); err != nil {
				t.Fatalf("shutdown: %v", err)
			}
			// An exporter aimed at a missing collector reports through the
			// error handler, so a quiet log also proves nothing was exported
			// to the OTLP default address when no endpoint was configured.
			if strings.Contains(logs.String(), "opentelemetry") {
				t.Errorf("export errors logged: %s", logs.String())
			}
			requests, spans := r.snapshot()
			if !tt.wantExport {
				if requests != 0 {
					t.Errorf("receiver got %d export requests, want none", requests)
				}
				return
			}
			if len(spans) != 1 || spans[0] != "evaluation/score-answer" {
				t.Errorf("exported spans = %v, want [evaluation/score-answer]", spans)
			}
		})
	}
}

// captureDefaultLog sends slog.Default, where Setup reports exporter
// errors, to a buffer for the duration of the test.
func captureDefaultLog(t *testing.T) *syncBuffer {
	prev := slog.Default()
	buf := &syncBuffer{}
	slog.SetDefault(slog.New(slog.NewTextHandler(buf, nil)))
	t.Cleanup(func() { slog.SetDefault(prev) })
	return buf
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func resourceValue(s sdktrace.ReadOnlySpan, key string) string {
	for _, kv := range s.Resource().Attributes() {
		if string(kv.Key) == key {
			return kv.Value.AsString()
		}
	}
	return ""
}
