import { collectDefaultMetrics, Counter, Gauge, Histogram, register, type Metric } from 'prom-client';

let defaultsCollected = false;

/** Registers a metric once per process, so that several apps booted in one process (tests) share it. */
export function metric<T extends Metric>(name: string, create: () => T): T {
  if (!defaultsCollected) {
    collectDefaultMetrics();
    defaultsCollected = true;
  }
  return (register.getSingleMetric(name) as T | undefined) ?? create();
}

export const httpRequestDuration = () =>
  metric(
    'http_request_duration_seconds',
    () =>
      new Histogram({
        name: 'http_request_duration_seconds',
        help: 'HTTP requests by method, matched route and status',
        labelNames: ['method', 'route', 'status'],
        buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      }),
  );

export { Counter, Gauge, Histogram, register as metricsRegistry };
