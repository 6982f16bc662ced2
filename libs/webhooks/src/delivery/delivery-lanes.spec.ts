import { DeliveryLanes, type Leased } from './delivery-lanes.js';

const leased = (endpointId: string, n: number): Leased[] =>
  Array.from({ length: n }, (_, i) => ({ id: `${endpointId}-${i}`, endpointId, leasedUntil: new Date(0) }));

describe('DeliveryLanes', () => {
  it('starts at most perEndpoint attempts per endpoint and total in all, and leases four times as many behind them', () => {
    const lanes = new DeliveryLanes({ total: 6, perEndpoint: 2 });
    lanes.add([...leased('a', 10), ...leased('b', 10), ...leased('c', 10)]);
    const started = lanes.startable();
    expect(started.map((d) => d.id)).toEqual(['a-0', 'a-1', 'b-0', 'b-1', 'c-0', 'c-1']);
    expect(lanes.startable()).toEqual([]);
    const rooms = lanes.rooms();
    expect(rooms).toEqual({ endpointIds: ['a', 'b', 'c'], rooms: [0, 0, 0], defaultRoom: 10, total: 0 });
  });

  it('gives an endpoint whose attempt failed a single lane with nothing leased behind it, until one succeeds', () => {
    const lanes = new DeliveryLanes({ total: 8, perEndpoint: 2 });
    lanes.add(leased('a', 3));
    const [first, second] = lanes.startable();
    lanes.finished(first, false);
    lanes.finished(second, false);
    expect(lanes.startable().map((d) => d.id)).toEqual(['a-2']);
    expect(lanes.rooms().rooms).toEqual([0]);
    lanes.finished(leased('a', 1)[0], true);
    expect(lanes.rooms()).toEqual({ endpointIds: [], rooms: [], defaultRoom: 10, total: 40 });
  });

  it('marks an endpoint slow while its attempt is in flight, so nothing more starts there', () => {
    const lanes = new DeliveryLanes({ total: 8, perEndpoint: 4 });
    lanes.add(leased('a', 6));
    expect(lanes.startable()).toHaveLength(4);
    lanes.slow('a');
    lanes.finished(leased('a', 1)[0], false);
    expect(lanes.startable()).toEqual([]);
  });

  it('lets slow or failing endpoints together hold at most half of the total', () => {
    const lanes = new DeliveryLanes({ total: 4, perEndpoint: 2 });
    for (const id of ['a', 'b', 'c']) lanes.slow(id);
    lanes.add([...leased('a', 1), ...leased('b', 1)]);
    expect(lanes.startable()).toHaveLength(2);
    expect(lanes.rooms()).toEqual({ endpointIds: ['a', 'b', 'c'], rooms: [0, 0, 0], defaultRoom: 10, total: 18 });
  });

  it('gives back waiting deliveries it will not attempt', () => {
    const lanes = new DeliveryLanes({ total: 1, perEndpoint: 1 });
    lanes.add(leased('a', 5));
    lanes.startable();
    expect(lanes.dropWaiting((d) => d.id === 'a-4').map((d) => d.id)).toEqual(['a-4']);
    expect(lanes.rooms().rooms).toEqual([1]);
  });

  it('says a lane is running low once fewer deliveries wait in it than it may have in flight', () => {
    const lanes = new DeliveryLanes({ total: 8, perEndpoint: 2 });
    lanes.add(leased('a', 5));
    lanes.startable();
    expect(lanes.runningLow('a')).toBe(false);
    lanes.dropWaiting((d) => d.id === 'a-3' || d.id === 'a-4');
    expect(lanes.runningLow('a')).toBe(true);
    expect(lanes.runningLow('unknown')).toBe(true);
  });
});
