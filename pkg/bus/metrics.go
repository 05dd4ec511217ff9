package bus

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

const (
	metricsNamespace = "moksho"
	metricsSubsystem = "bus"
)

// register adds c to reg and returns the collector to use: c, or the one
// already registered under the same name (two consumers of one service
// share their vectors, told apart by the consumer label). A nil reg leaves
// c unregistered, which still counts, for tests and tools.
func register[C prometheus.Collector](reg prometheus.Registerer, c C) C {
	if reg == nil {
		return c
	}
	if err := reg.Register(c); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if existing, ok := are.ExistingCollector.(C); ok {
				return existing
			}
		}
	}
	return c
}

type relayMetrics struct {
	published  prometheus.Counter
	duplicates prometheus.Counter
	errors     prometheus.Counter
	backlog    prometheus.Gauge
	oldestAge  prometheus.Gauge
}

func newRelayMetrics(reg prometheus.Registerer) *relayMetrics {
	return &relayMetrics{
		published: register(reg, prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: metricsNamespace, Subsystem: metricsSubsystem,
			Name: "events_published_total",
			Help: "Outbox events published to JetStream and acknowledged by it.",
		})),
		duplicates: register(reg, prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: metricsNamespace, Subsystem: metricsSubsystem,
			Name: "events_republished_total",
			Help: "Outbox events published again after a relay restart and dropped by the broker as duplicates (Nats-Msg-Id).",
		})),
		errors: register(reg, prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: metricsNamespace, Subsystem: metricsSubsystem,
			Name: "publish_errors_total",
			Help: "Failed attempts to publish an outbox event; the row stays and is retried.",
		})),
		backlog: register(reg, prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: metricsNamespace, Subsystem: metricsSubsystem,
			Name: "outbox_backlog",
			Help: "Events in the outbox not yet published.",
		})),
		oldestAge: register(reg, prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: metricsNamespace, Subsystem: metricsSubsystem,
			Name: "outbox_oldest_age_seconds",
			Help: "Age of the oldest unpublished outbox event; 0 when the outbox is empty.",
		})),
	}
}

type consumerMetrics struct {
	handled      *prometheus.CounterVec
	failed       *prometheus.CounterVec
	deadLettered *prometheus.CounterVec
	duration     *prometheus.HistogramVec
}

func newConsumerMetrics(reg prometheus.Registerer) *consumerMetrics {
	return &consumerMetrics{
		handled: register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: metricsNamespace, Subsystem: metricsSubsystem,
			Name: "events_handled_total",
			Help: "Events acknowledged by a consumer: result=applied (the handler's effect committed) or duplicate (already applied, redelivered).",
		}, []string{"consumer", "result"})),
		failed: register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: metricsNamespace, Subsystem: metricsSubsystem,
			Name: "events_failed_total",
			Help: "Handler attempts that failed (rolled back), including undecodable messages.",
		}, []string{"consumer"})),
		deadLettered: register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: metricsNamespace, Subsystem: metricsSubsystem,
			Name: "events_dead_lettered_total",
			Help: "Messages a consumer gave up on and published to its dead-letter subject.",
		}, []string{"consumer"})),
		duration: register(reg, prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: metricsNamespace, Subsystem: metricsSubsystem,
			Name:    "handle_duration_seconds",
			Help:    "Time to apply one event: transaction, handler and commit.",
			Buckets: prometheus.DefBuckets,
		}, []string{"consumer"})),
	}
}
