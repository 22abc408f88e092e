// Command otel-go-spans measures the OpenTelemetry Go SDK (Debian's
// golang-opentelemetry-otel-dev) on the workloads of Benchmarks/TracingBenchmarks, measured
// the way that package measures them: samples of 1,000 operations for up to two seconds after a
// warm-up, each sample's time divided by 1,000, reported as p0 and p50 per operation, with heap
// allocations per operation. Benchmarks/span-peers.sh runs it beside the Swift benchmarks.
//
// Output: one line per workload, tab-separated: name, p0 ns, p50 ns, allocations.
package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"sort"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

const (
	opsPerSample = 1000
	maxDuration  = 2 * time.Second
	maxSamples   = 100_000
	warmUp       = 200 * time.Millisecond
)

// discardingExporter accepts every batch at once, as TracingBenchmarks' DiscardingExporter does.
type discardingExporter struct{}

func (discardingExporter) ExportSpans(context.Context, []sdktrace.ReadOnlySpan) error { return nil }
func (discardingExporter) Shutdown(context.Context) error                             { return nil }

// mapCarrier is the [String: String] carrier of the Swift lines (this SDK version has no
// MapCarrier of its own).
type mapCarrier map[string]string

func (c mapCarrier) Get(key string) string { return c[key] }
func (c mapCarrier) Set(key, value string) { c[key] = value }
func (c mapCarrier) Keys() []string {
	keys := make([]string, 0, len(c))
	for key := range c {
		keys = append(keys, key)
	}
	return keys
}

// sink keeps results alive so that the compiler cannot drop the work producing them.
var sink int

//go:noinline
func work(ctx context.Context) int {
	if ctx == nil {
		return 0
	}
	return 42
}

func tracer(sampler sdktrace.Sampler) trace.Tracer {
	provider := sdktrace.NewTracerProvider(
		sdktrace.WithSampler(sampler),
		sdktrace.WithBatcher(discardingExporter{}),
		sdktrace.WithResource(resource.NewSchemaless(attribute.String("service.name", "bench"))))
	return provider.Tracer("bench")
}

// measure runs ops(opsPerSample) repeatedly and prints the per-operation p0 and p50.
func measure(name string, ops func(n int)) {
	for deadline := time.Now().Add(warmUp); time.Now().Before(deadline); {
		ops(opsPerSample)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	samples := make([]float64, 0, 8192)
	start := time.Now()
	for time.Since(start) < maxDuration && len(samples) < maxSamples {
		sampleStart := time.Now()
		ops(opsPerSample)
		samples = append(samples, float64(time.Since(sampleStart).Nanoseconds())/opsPerSample)
	}
	runtime.ReadMemStats(&after)
	sort.Float64s(samples)
	allocations := float64(after.Mallocs-before.Mallocs) / float64(len(samples)*opsPerSample)
	fmt.Printf("%s / OpenTelemetry Go %s\t%.0f\t%.0f\t%.1f\n", name, otel.Version(), samples[0], samples[len(samples)/2], allocations)
}

func main() {
	ctx := context.Background()
	sampled := tracer(sdktrace.AlwaysSample())
	unsampled := tracer(sdktrace.NeverSample())

	measure("sampled span 3 attributes", func(n int) {
		for i := 0; i < n; i++ {
			_, span := sampled.Start(ctx, "GET /users")
			span.SetAttributes(attribute.String("http.method", "GET"))
			span.SetAttributes(attribute.Int("http.status_code", 200))
			span.SetAttributes(attribute.String("net.peer.name", "db-1"))
			span.End()
		}
	})
	measure("sampled span 3 attributes, attributes at start", func(n int) {
		for i := 0; i < n; i++ {
			_, span := sampled.Start(ctx, "GET /users", trace.WithAttributes(
				attribute.String("http.method", "GET"),
				attribute.Int("http.status_code", 200),
				attribute.String("net.peer.name", "db-1")))
			span.End()
		}
	})
	measure("unsampled span", func(n int) {
		for i := 0; i < n; i++ {
			_, span := unsampled.Start(ctx, "GET /users")
			span.SetAttributes(attribute.String("http.method", "GET"))
			span.End()
		}
	})
	// Go has no async functions: a span around a body that receives the span's context is
	// what withSpan around an async body is in Go.
	measure("span around a body (withSpan)", func(n int) {
		for i := 0; i < n; i++ {
			bodyContext, span := sampled.Start(ctx, "handle")
			sink += work(bodyContext)
			span.End()
		}
	})

	propagator := propagation.TraceContext{}
	parent := trace.ContextWithSpanContext(ctx, trace.NewSpanContext(trace.SpanContextConfig{
		TraceID:    trace.TraceID{0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36},
		SpanID:     trace.SpanID{0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7},
		TraceFlags: trace.FlagsSampled,
	}))
	roundTrip := func(carrier propagation.TextMapCarrier) {
		propagator.Inject(parent, carrier)
		extracted := propagator.Extract(ctx, carrier)
		if trace.SpanContextFromContext(extracted).IsValid() {
			sink++
		}
	}
	measure("traceparent inject+extract", func(n int) {
		for i := 0; i < n; i++ {
			roundTrip(mapCarrier{})
		}
	})
	measure("traceparent inject+extract, http.Header", func(n int) {
		for i := 0; i < n; i++ {
			roundTrip(propagation.HeaderCarrier(http.Header{}))
		}
	})
	// The request's headers already hold its other fields and are reused, as the Swift line
	// "request's NIO HTTPHeaders" does: each round trip replaces the last one's traceparent.
	request := http.Header{}
	request.Set("Host", "api.example.com")
	request.Set("User-Agent", "checkout/1.4")
	request.Set("Accept", "application/json")
	measure("traceparent inject+extract, request's http.Header", func(n int) {
		for i := 0; i < n; i++ {
			roundTrip(propagation.HeaderCarrier(request))
		}
	})
	if sink == 0 {
		os.Exit(1)
	}
}
