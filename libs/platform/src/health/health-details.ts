/** What a library reports under `/health` details: information, never a reason to be unready. */
export type HealthDetail = () => Record<string, unknown>;

/**
 * Where libraries add their own entries to `/health` without the platform knowing them. An entry
 * is always "up": readiness stays about PostgreSQL and Redis, so a load balancer never takes an
 * instance out for what the entry says.
 */
export class HealthDetails {
  private readonly details = new Map<string, HealthDetail>();

  add(key: string, detail: HealthDetail): void {
    this.details.set(key, detail);
  }

  entries(): Array<[string, HealthDetail]> {
    return [...this.details];
  }
}
