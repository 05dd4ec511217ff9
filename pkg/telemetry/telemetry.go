// Package telemetry sets up OpenTelemetry tracing for a process, so that a
// request keeps one trace ID across the gateway, gRPC calls and events, and
// every log line about it can carry that ID, whether or not a collector is
// there to receive the spans.
//
// Configuration comes from the standard OTEL_* environment variables, so
// operators use what the OpenTelemetry documentation describes:
// OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT turns
// export on; OTEL_EXPORTER_OTLP_PROTOCOL (or ..._TRACES_PROTOCOL) chooses
// "http/protobuf" (the default, port 4318) or "grpc" (port 4317);
// OTEL_TRACES_EXPORTER=none turns export off; OTEL_TRACES_SAMPLER and
// OTEL_SERVICE_NAME work as usual.
package telemetry

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
)

// Setup installs, process-wide, the W3C trace-context and baggage
// propagator and a TracerProvider for service. Spans are always sampled
// (unless OTEL_TRACES_SAMPLER says otherwise) and recorded, so trace IDs
// exist for logs and propagate to other services; they are exported over
// OTLP only when an OTLP endpoint is configured in the environment.
//
// Call it once per process, early in main, and call the returned shutdown
// before exit to flush spans not yet exported. Because the provider is
// global, a process hosting several services (the local all-in-one
// deployment) calls it once, not once per service.
//
// OTEL_SERVICE_NAME, when set, overrides service.
func Setup(ctx context.Context, service string) (shutdown func(context.Context) error, err error) {
	if service == "" {
		return nil, errors.New("telemetry setup: service name is required")
	}
	otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(
		propagation.TraceContext{}, propagation.Baggage{},
	))
	// Exporter failures (collector down) must not fail requests; they are
	// reported through the one logger every service uses.
	otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) {
		slog.Warn("opentelemetry", "err", err)
	}))

	res, err := resource.New(ctx,
		resource.WithSchemaURL(semconv.SchemaURL),
		resource.WithAttributes(semconv.ServiceName(service)),
		resource.WithTelemetrySDK(),
		resource.WithHost(),
		resource.WithFromEnv(), // last, so OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win
	)
	if err != nil && !errors.Is(err, resource.ErrPartialResource) {
		return nil, fmt.Errorf("telemetry setup: build resource: %w", err)
	}

	opts := []sdktrace.TracerProviderOption{sdktrace.WithResource(res)}
	exp, err := newExporter(ctx)
	if err != nil {
		return nil, fmt.Errorf("telemetry setup: %w", err)
	}
	if exp != nil {
		opts = append(opts, sdktrace.WithBatcher(exp))
	}
	tp := sdktrace.NewTracerProvider(opts...)
	otel.SetTracerProvider(tp)

	return func(ctx context.Context) error {
		if err := tp.Shutdown(ctx); err != nil {
			return fmt.Errorf("telemetry shutdown: %w", err)
		}
		return nil
	}, nil
}

// Exporting reports whether the environment asks for traces to be exported
// (an OTLP endpoint is set and OTEL_TRACES_EXPORTER is not "none").
// Request instrumentation (otelhttp, otelgrpc) costs about a sixth of a
// small request's CPU even when nothing is exported, so servers and clients
// install it only when traces go somewhere.
func Exporting() bool {
	if strings.EqualFold(os.Getenv("OTEL_TRACES_EXPORTER"), "none") {
		return false
	}
	return os.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != "" || os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != ""
}

// newExporter returns the OTLP span exporter the environment asks for, or
// nil when it asks for none. The exporters read the endpoint, headers,
// TLS and timeout settings from the environment themselves.
func newExporter(ctx context.Context) (sdktrace.SpanExporter, error) {
	if !Exporting() {
		return nil, nil
	}
	protocol := os.Getenv("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL")
	if protocol == "" {
		protocol = os.Getenv("OTEL_EXPORTER_OTLP_PROTOCOL")
	}
	switch protocol {
	case "", "http/protobuf":
		exp, err := otlptracehttp.New(ctx)
		if err != nil {
			return nil, fmt.Errorf("create otlp http trace exporter: %w", err)
		}
		return exp, nil
	case "grpc":
		exp, err := otlptracegrpc.New(ctx)
		if err != nil {
			return nil, fmt.Errorf("create otlp grpc trace exporter: %w", err)
		}
		return exp, nil
	default:
		return nil, fmt.Errorf("unsupported OTLP protocol %q: use grpc or http/protobuf", protocol)
	}
}
