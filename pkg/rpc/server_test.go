package rpc_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/moksho/platform/pkg/rpc"
)

// probeService is a hand-written service so the tests need no generated
// code: Echo answers, Panic and PanicStream panic with a value the client
// must never see, Block waits until the server cancels it.
const (
	probeService = "moksho.test.v1.Probe"
	panicSecret  = "secret-panic-value"
)

type probe struct {
	blocked chan struct{} // receives when Block has started
}

var probeDesc = grpc.ServiceDesc{
	ServiceName: probeService,
	HandlerType: (*any)(nil),
	Methods: []grpc.MethodDesc{
		{MethodName: "Echo", Handler: unary(func(ctx context.Context, p *probe) error { return nil })},
		{MethodName: "Panic", Handler: unary(func(ctx context.Context, p *probe) error { panic(panicSecret) })},
		{MethodName: "Block", Handler: unary(func(ctx context.Context, p *probe) error {
			p.blocked <- struct{}{}
			<-ctx.Done()
			return status.FromContextError(ctx.Err()).Err()
		})},
	},
	Streams: []grpc.StreamDesc{{
		StreamName:    "PanicStream",
		ServerStreams: true,
		Handler:       func(srv any, stream grpc.ServerStream) error { panic(panicSecret) },
	}},
}

func unary(fn func(context.Context, *probe) error) grpc.MethodHandler {
	return func(srv any, ctx context.Context, dec func(any) error, interceptor grpc.UnaryServerInterceptor) (any, error) {
		in := new(emptypb.Empty)
		if err := dec(in); err != nil {
			return nil, err
		}
		handler := func(ctx context.Context, req any) (any, error) {
			if err := fn(ctx, srv.(*probe)); err != nil {
				return nil, err
			}
			return &emptypb.Empty{}, nil
		}
		if interceptor == nil {
			return handler(ctx, in)
		}
		return interceptor(ctx, in, &grpc.UnaryServerInfo{Server: srv, FullMethod: "/" + probeService + "/" + methodName(ctx)}, handler)
	}
}

// methodName recovers the method from the server stream in ctx, so one
// helper can build every unary handler.
func methodName(ctx context.Context) string {
	m, _ := grpc.Method(ctx)
	return m[strings.LastIndex(m, "/")+1:]
}

// logBuffer collects JSON log lines written concurrently by the server.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// calls returns the "grpc call" lines for method.
func (b *logBuffer) calls(t *testing.T, method string) []map[string]any {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(b.buf.Bytes()))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("log line is not JSON: %q: %v", sc.Text(), err)
		}
		if line["msg"] == "grpc call" && line["method"] == method {
			out = append(out, line)
		}
	}
	return out
}

// traceHandler adds trace_id from the record's context, as pkg/logging
// does, so the tests see whether the server's line ends up with it twice.
type traceHandler struct{ slog.Handler }

func (h traceHandler) Handle(ctx context.Context, r slog.Record) error {
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		r.AddAttrs(slog.String("trace_id", sc.TraceID().String()))
	}
	return h.Handler.Handle(ctx, r)
}

// raw returns the unparsed log lines that mention s.
func (b *logBuffer) raw(s string) []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, line := range strings.Split(b.buf.String(), "\n") {
		if strings.Contains(line, s) {
			out = append(out, line)
		}
	}
	return out
}

type testServer struct {
	srv   *rpc.Server
	conn  *grpc.ClientConn
	addr  string
	probe *probe
	logs  *logBuffer
	reg   *prometheus.Registry
	stop  context.CancelFunc
	done  chan error
}

func startServer(t *testing.T, opts rpc.ServerOptions) *testServer {
	t.Helper()
	ts := &testServer{probe: &probe{blocked: make(chan struct{}, 1)}, logs: &logBuffer{}, reg: prometheus.NewRegistry(), done: make(chan error, 1)}
	opts.Logger = slog.New(traceHandler{slog.NewJSONHandler(ts.logs, &slog.HandlerOptions{Level: slog.LevelDebug})})
	opts.Registerer = ts.reg
	ts.srv = rpc.NewServer(opts)
	ts.srv.GRPC().RegisterService(&probeDesc, ts.probe)

	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	ts.addr = lis.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	ts.stop = cancel
	go func() { ts.done <- ts.srv.Serve(ctx, lis) }()

	ts.conn, err = rpc.Dial(ts.addr, rpc.WithTracing(opts.Tracing))
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		ts.conn.Close()
		select {
		case <-ts.done:
		case <-time.After(15 * time.Second):
			t.Error("Serve did not return after cleanup")
		}
	})
	return ts
}

// shutdown cancels Serve and returns how long it took to return, and what.
func (ts *testServer) shutdown(t *testing.T) (time.Duration, error) {
	t.Helper()
	start := time.Now()
	ts.stop()
	select {
	case err := <-ts.done:
		ts.done <- err // let cleanup see it too
		return time.Since(start), err
	case <-time.After(15 * time.Second):
		t.Fatal("Serve did not return within 15 s of cancel")
		return 0, nil
	}
}

func (ts *testServer) invoke(ctx context.Context, method string) error {
	return ts.conn.Invoke(ctx, "/"+probeService+"/"+method, &emptypb.Empty{}, &emptypb.Empty{})
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestServeHealthAndShutdown(t *testing.T) {
	ts := startServer(t, rpc.ServerOptions{})
	ctx := testContext(t)
	health := healthpb.NewHealthClient(ts.conn)

	tests := []struct {
		service string
		want    healthpb.HealthCheckResponse_ServingStatus
		code    codes.Code
	}{
		{service: "", want: healthpb.HealthCheckResponse_SERVING},
		{service: probeService, want: healthpb.HealthCheckResponse_SERVING},
		{service: "moksho.unknown.v1.Nope", code: codes.NotFound},
	}
	for _, tt := range tests {
		resp, err := health.Check(ctx, &healthpb.HealthCheckRequest{Service: tt.service})
		if status.Code(err) != tt.code {
			t.Fatalf("Check(%q) error = %v, want code %v", tt.service, err, tt.code)
		}
		if err == nil && resp.GetStatus() != tt.want {
			t.Errorf("Check(%q) = %v, want %v", tt.service, resp.GetStatus(), tt.want)
		}
	}

	ts.srv.SetServing(false)
	resp, err := health.Check(ctx, &healthpb.HealthCheckRequest{})
	if err != nil || resp.GetStatus() != healthpb.HealthCheckResponse_NOT_SERVING {
		t.Fatalf("after SetServing(false): Check = %v, %v; want NOT_SERVING", resp, err)
	}
	ts.srv.SetServing(true)

	took, err := ts.shutdown(t)
	if err != nil {
		t.Fatalf("Serve returned %v after cancel, want nil", err)
	}
	if took > 5*time.Second {
		t.Errorf("idle server took %v to stop", took)
	}
	_, err = health.Check(ctx, &healthpb.HealthCheckRequest{})
	if status.Code(err) != codes.Unavailable {
		t.Errorf("Check after shutdown: %v, want Unavailable", err)
	}
}

func TestShutdownReportsNotServingFirst(t *testing.T) {
	ts := startServer(t, rpc.ServerOptions{ShutdownTimeout: 8 * time.Second})
	ctx, cancelWatch := context.WithCancel(testContext(t))
	defer cancelWatch()

	watch, err := healthpb.NewHealthClient(ts.conn).Watch(ctx, &healthpb.HealthCheckRequest{})
	if err != nil {
		t.Fatalf("watch: %v", err)
	}
	first, err := watch.Recv()
	if err != nil || first.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("first watch update = %v, %v; want SERVING", first, err)
	}

	start := time.Now()
	ts.stop()
	next, err := watch.Recv()
	if err != nil || next.GetStatus() != healthpb.HealthCheckResponse_NOT_SERVING {
		t.Fatalf("watch update after cancel = %v, %v; want NOT_SERVING while in-flight streams drain", next, err)
	}
	// The watcher leaves on its own, as a client that saw NOT_SERVING does;
	// graceful stop must then finish well before the timeout.
	cancelWatch()
	select {
	case err := <-ts.done:
		ts.done <- err
		if err != nil {
			t.Fatalf("Serve = %v, want nil", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Serve did not return")
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("graceful stop took %v; it should end when the last stream does", took)
	}
}

func TestShutdownCutsOffRPCsAtTimeout(t *testing.T) {
	ts := startServer(t, rpc.ServerOptions{ShutdownTimeout: 300 * time.Millisecond})
	ctx := testContext(t)

	callErr := make(chan error, 1)
	go func() { callErr <- ts.invoke(ctx, "Block") }()
	select {
	case <-ts.probe.blocked:
	case <-ctx.Done():
		t.Fatal("Block never started")
	}

	took, err := ts.shutdown(t)
	if err != nil {
		t.Fatalf("Serve = %v, want nil", err)
	}
	if took < 300*time.Millisecond || took > 5*time.Second {
		t.Errorf("Serve returned after %v, want just over the 300ms timeout", took)
	}
	select {
	case err := <-callErr:
		if err == nil {
			t.Error("blocked call succeeded; it should have been cut off")
		}
	case <-time.After(5 * time.Second):
		t.Error("blocked call still running after forced stop")
	}
}

func TestPanicBecomesInternal(t *testing.T) {
	tests := []struct {
		name   string
		method string
		call   func(context.Context, *grpc.ClientConn) error
	}{
		{
			name:   "unary",
			method: "Panic",
			call: func(ctx context.Context, cc *grpc.ClientConn) error {
				return cc.Invoke(ctx, "/"+probeService+"/Panic", &emptypb.Empty{}, &emptypb.Empty{})
			},
		},
		{
			name:   "stream",
			method: "PanicStream",
			call: func(ctx context.Context, cc *grpc.ClientConn) error {
				s, err := cc.NewStream(ctx, &probeDesc.Streams[0], "/"+probeService+"/PanicStream")
				if err != nil {
					return err
				}
				if err := s.SendMsg(&emptypb.Empty{}); err != nil && !errors.Is(err, context.Canceled) {
					return err
				}
				if err := s.CloseSend(); err != nil {
					return err
				}
				return s.RecvMsg(&emptypb.Empty{})
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := startServer(t, rpc.ServerOptions{})
			ctx := testContext(t)

			err := tt.call(ctx, ts.conn)
			st := status.Convert(err)
			if st.Code() != codes.Internal {
				t.Fatalf("panicking call returned %v, want Internal", err)
			}
			if strings.Contains(st.Message(), panicSecret) {
				t.Errorf("client saw the panic value: %q", st.Message())
			}
			if err := ts.invoke(ctx, "Echo"); err != nil {
				t.Fatalf("server stopped serving after a panic: %v", err)
			}

			method := "/" + probeService + "/" + tt.method
			lines := ts.logs.calls(t, method)
			if len(lines) != 1 {
				t.Fatalf("got %d log lines for %s, want exactly 1: %v", len(lines), method, lines)
			}
			line := lines[0]
			if line["level"] != "ERROR" || line["code"] != "Internal" {
				t.Errorf("log line level=%v code=%v, want ERROR Internal", line["level"], line["code"])
			}
			if p, _ := line["panic"].(string); p != panicSecret {
				t.Errorf("log panic = %q, want the panic value for the operator", p)
			}
			if s, _ := line["stack"].(string); !strings.Contains(s, "server_test.go") {
				t.Errorf("log stack does not point at the panicking handler: %.200q", s)
			}
			if _, ok := line["duration"]; !ok {
				t.Error("log line has no duration")
			}

			if got := counterValue(t, ts.reg, "grpc_server_handled_total", map[string]string{
				"grpc_method": tt.method, "grpc_code": "Internal",
			}); got != 1 {
				t.Errorf("grpc_server_handled_total{%s,Internal} = %v, want 1", tt.method, got)
			}
			if got := histogramCount(t, ts.reg, "grpc_server_handling_seconds", map[string]string{"grpc_method": "Echo"}); got != 1 {
				t.Errorf("grpc_server_handling_seconds{Echo} count = %v, want 1", got)
			}
		})
	}
}

func TestLogCarriesCallerTraceID(t *testing.T) {
	prevTP, prevProp := otel.GetTracerProvider(), otel.GetTextMapPropagator()
	tp := sdktrace.NewTracerProvider()
	otel.SetTracerProvider(tp)
	otel.SetTextMapPropagator(propagation.TraceContext{})
	t.Cleanup(func() {
		otel.SetTracerProvider(prevTP)
		otel.SetTextMapPropagator(prevProp)
		_ = tp.Shutdown(context.Background())
	})

	ts := startServer(t, rpc.ServerOptions{Tracing: rpc.TracingOn})
	ctx, span := tp.Tracer("test").Start(testContext(t), "caller")
	defer span.End()
	if err := ts.invoke(ctx, "Echo"); err != nil {
		t.Fatalf("Echo: %v", err)
	}

	lines := ts.logs.calls(t, "/"+probeService+"/Echo")
	if len(lines) != 1 {
		t.Fatalf("got %d log lines, want 1", len(lines))
	}
	want := span.SpanContext().TraceID().String()
	if got := lines[0]["trace_id"]; got != want {
		t.Errorf("logged trace_id = %v, want the caller's %s", got, want)
	}
	for _, line := range ts.logs.raw(`"method":"/` + probeService + `/Echo"`) {
		if n := strings.Count(line, `"trace_id"`); n != 1 {
			t.Errorf("trace_id appears %d times in %s", n, line)
		}
	}
	if lines[0]["level"] != "DEBUG" || lines[0]["code"] != "OK" {
		t.Errorf("log line = %v, want DEBUG OK", lines[0])
	}
}

// TestTracingFollowsExport checks that instrumentation, which costs CPU on
// every call, is only installed when traces are exported.
func TestTracingFollowsExport(t *testing.T) {
	tp := sdktrace.NewTracerProvider()
	prevTP, prevProp := otel.GetTracerProvider(), otel.GetTextMapPropagator()
	otel.SetTracerProvider(tp)
	otel.SetTextMapPropagator(propagation.TraceContext{})
	t.Cleanup(func() {
		otel.SetTracerProvider(prevTP)
		otel.SetTextMapPropagator(prevProp)
		_ = tp.Shutdown(context.Background())
	})
	for _, tc := range []struct {
		name     string
		endpoint string
		mode     rpc.Tracing
		want     bool
	}{
		{"auto without an exporter", "", rpc.TracingAuto, false},
		{"auto with an exporter", "http://127.0.0.1:4318", rpc.TracingAuto, true},
		{"forced on", "", rpc.TracingOn, true},
		{"forced off", "http://127.0.0.1:4318", rpc.TracingOff, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", tc.endpoint)
			ts := startServer(t, rpc.ServerOptions{Tracing: tc.mode})
			ctx, span := tp.Tracer("test").Start(testContext(t), "caller")
			defer span.End()
			if err := ts.invoke(ctx, "Echo"); err != nil {
				t.Fatalf("Echo: %v", err)
			}
			lines := ts.logs.calls(t, "/"+probeService+"/Echo")
			_, traced := lines[0]["trace_id"]
			if traced != tc.want {
				t.Fatalf("trace_id logged = %v, want %v", traced, tc.want)
			}
		})
	}
}

func TestServersShareARegistry(t *testing.T) {
	reg := prometheus.NewRegistry()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("second NewServer on the same registry panicked: %v", r)
		}
	}()
	rpc.NewServer(rpc.ServerOptions{Registerer: reg})
	rpc.NewServer(rpc.ServerOptions{Registerer: reg})
}

func TestDialClientMetrics(t *testing.T) {
	ts := startServer(t, rpc.ServerOptions{})
	ctx := testContext(t)
	reg := prometheus.NewRegistry()

	for range 2 {
		conn, err := rpc.Dial(ts.addr, rpc.WithClientMetrics(reg))
		if err != nil {
			t.Fatalf("Dial with a registry already holding client metrics: %v", err)
		}
		if err := conn.Invoke(ctx, "/"+probeService+"/Echo", &emptypb.Empty{}, &emptypb.Empty{}); err != nil {
			t.Fatalf("Echo: %v", err)
		}
		conn.Close()
	}
	if got := counterValue(t, reg, "grpc_client_handled_total", map[string]string{"grpc_method": "Echo", "grpc_code": "OK"}); got != 2 {
		t.Errorf("grpc_client_handled_total{Echo,OK} = %v, want 2", got)
	}
}

func TestDialRejectsBadTarget(t *testing.T) {
	if _, err := rpc.Dial("unknownscheme://x/y\x00"); err == nil {
		t.Error("Dial accepted a malformed target")
	}
}

// findMetric returns the sample of family name whose labels include want.
func findMetric(t *testing.T, g prometheus.Gatherer, name string, want map[string]string) *dto.Metric {
	t.Helper()
	families, err := g.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	next:
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			for k, v := range want {
				if labels[k] != v {
					continue next
				}
			}
			return m
		}
	}
	return nil
}

func counterValue(t *testing.T, g prometheus.Gatherer, name string, labels map[string]string) float64 {
	t.Helper()
	m := findMetric(t, g, name, labels)
	if m == nil {
		t.Fatalf("no %s sample with labels %v", name, labels)
	}
	return m.GetCounter().GetValue()
}

func histogramCount(t *testing.T, g prometheus.Gatherer, name string, labels map[string]string) uint64 {
	t.Helper()
	m := findMetric(t, g, name, labels)
	if m == nil {
		t.Fatalf("no %s sample with labels %v", name, labels)
	}
	return m.GetHistogram().GetSampleCount()
}
