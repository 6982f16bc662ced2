/** A delivery a worker has leased until `leasedUntil`, as it goes into a lane. */
export interface Leased {
  id: string;
  endpointId: string;
  leasedUntil: Date;
}

export interface LaneLimits {
  /** Attempts in flight at once, all endpoints together. */
  total: number;
  /** Attempts in flight at once to one healthy endpoint; a slow or failing one gets a single lane. */
  perEndpoint: number;
}

/** What the next lease may take: `rooms` for the endpoints named, `defaultRoom` for any other, `total` in all. */
export interface LeaseRooms {
  endpointIds: string[];
  rooms: number[];
  defaultRoom: number;
  total: number;
}

/**
 * A healthy lane has this many times its attempts leased behind them, so that one lease round
 * feeds it until the next even when rounds come slowly (a loaded database).
 */
const LEASED_AHEAD = 4;

interface Lane {
  inFlight: number;
  waiting: Leased[];
}

/**
 * The worker's deliveries, one lane per endpoint: a healthy endpoint has `perEndpoint` attempts in
 * flight and more leased behind them (so a lease round keeps it busy); an endpoint that is slow
 * or failing has one attempt and nothing waiting, and such endpoints together hold at most half of
 * `total`: whatever they do, the others' deliveries keep their slots.
 */
export class DeliveryLanes {
  private readonly lanes = new Map<string, Lane>();
  private readonly unhealthy = new Set<string>();
  private inFlight = 0;

  constructor(private readonly limits: LaneLimits) {}

  /** What a lease may take now without exceeding any lane. */
  rooms(): LeaseRooms {
    const unhealthyHeld = [...this.unhealthy].reduce((sum, id) => sum + this.held(id), 0);
    const unhealthyRoom = unhealthyHeld < Math.floor(this.limits.total / 2) ? 1 : 0;
    const endpointIds = [...new Set([...this.lanes.keys(), ...this.unhealthy])];
    const healthyRoom = (1 + LEASED_AHEAD) * this.limits.perEndpoint;
    const rooms = endpointIds.map((id) =>
      Math.max(0, (this.unhealthy.has(id) ? unhealthyRoom : healthyRoom) - this.held(id)),
    );
    const heldTotal = [...this.lanes.values()].reduce((sum, lane) => sum + lane.inFlight + lane.waiting.length, 0);
    return {
      endpointIds,
      rooms,
      defaultRoom: healthyRoom,
      total: Math.max(0, (1 + LEASED_AHEAD) * this.limits.total - heldTotal),
    };
  }

  add(leased: Leased[]): void {
    for (const delivery of leased) this.lane(delivery.endpointId).waiting.push(delivery);
  }

  /** The waiting deliveries that may start now; each is counted in flight until `finished`. */
  startable(): Leased[] {
    const started: Leased[] = [];
    for (const [endpointId, lane] of this.lanes) {
      const cap = this.unhealthy.has(endpointId) ? 1 : this.limits.perEndpoint;
      while (lane.waiting.length && lane.inFlight < cap && this.inFlight < this.limits.total) {
        started.push(lane.waiting.shift()!);
        lane.inFlight++;
        this.inFlight++;
      }
    }
    return started;
  }

  /** Takes back a waiting delivery that will not be attempted (its lease ran too short): its lease lapses. */
  dropWaiting(predicate: (delivery: Leased) => boolean): Leased[] {
    const dropped: Leased[] = [];
    for (const [endpointId, lane] of this.lanes) {
      dropped.push(...lane.waiting.filter(predicate));
      lane.waiting = lane.waiting.filter((delivery) => !predicate(delivery));
      this.forgetIfIdle(endpointId, lane);
    }
    return dropped;
  }

  /** Fewer leased deliveries wait in the endpoint's lane than it has attempts: time to lease more. */
  runningLow(endpointId: string): boolean {
    return (this.lanes.get(endpointId)?.waiting.length ?? 0) < this.limits.perEndpoint;
  }

  /** An attempt is taking long: its endpoint gets a single lane until it answers in time again. */
  slow(endpointId: string): void {
    this.unhealthy.add(endpointId);
  }

  finished(delivery: Leased, healthy: boolean): void {
    const lane = this.lane(delivery.endpointId);
    lane.inFlight--;
    this.inFlight--;
    if (healthy) this.unhealthy.delete(delivery.endpointId);
    else this.unhealthy.add(delivery.endpointId);
    this.forgetIfIdle(delivery.endpointId, lane);
  }

  private held(endpointId: string): number {
    const lane = this.lanes.get(endpointId);
    return lane ? lane.inFlight + lane.waiting.length : 0;
  }

  private lane(endpointId: string): Lane {
    let lane = this.lanes.get(endpointId);
    if (!lane) this.lanes.set(endpointId, (lane = { inFlight: 0, waiting: [] }));
    return lane;
  }

  private forgetIfIdle(endpointId: string, lane: Lane): void {
    if (!lane.inFlight && !lane.waiting.length) this.lanes.delete(endpointId);
  }
}
