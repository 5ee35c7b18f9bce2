/**
 * Counts the round trips of traffic through a latency link, over any number of connections,
 * by what the link can vouch for rather than by the order it happened to see things in.
 *
 * A message a client sends can only answer what had been delivered to it: so a message sent up
 * starts round trip 1 + (the deepest round trip whose answer had reached a client by then), and
 * an answer coming down belongs to its connection's open round trip. The count is the deepest
 * round trip answered. Two connections opened together then share their round trips, however
 * their messages interleave, and a connection opened after another finished starts after it.
 * (Counting turns of direction in the order seen instead splits a shared round trip in two
 * whenever one client is a few milliseconds late.)
 */
export type Flight = { connection: number; messages: string[] };
export type RoundTrip = { up: Flight[]; down: Flight[] };

// Timers may fire up to a millisecond early against performance.now().
const SLACK_MS = 1;

export class RoundTripCounter {
  readonly #delayMs: number;
  readonly #open = new Map<number, number>();
  /** Answers on their way down, in the order they will be delivered. */
  readonly #inFlight: { deliveredAt: number; depth: number }[] = [];
  #delivered = 0;
  #deepest = 0;
  /** By depth; depth 0 holds what came down unasked. */
  readonly #trips: RoundTrip[] = [];

  constructor(delayMs: number) {
    this.#delayMs = delayMs;
  }

  /** Round trips answered so far. */
  get count(): number {
    return this.#deepest;
  }

  up(connection: number, messages: string[], at = performance.now()): void {
    while (this.#inFlight.length > 0 && this.#inFlight[0]!.deliveredAt <= at + SLACK_MS) {
      this.#delivered = Math.max(this.#delivered, this.#inFlight.shift()!.depth);
    }
    const depth = this.#delivered + 1;
    this.#open.set(connection, depth);
    this.#add(depth, 'up', connection, messages);
  }

  down(connection: number, messages: string[], at = performance.now()): void {
    const depth = this.#open.get(connection) ?? 0;
    this.#inFlight.push({ deliveredAt: at + this.#delayMs, depth });
    this.#deepest = Math.max(this.#deepest, depth);
    this.#add(depth, 'down', connection, messages);
  }

  /** Every round trip in order, the unasked-for first; empty depths left out. */
  trips(): RoundTrip[] {
    return this.#trips
      .filter((t) => t !== undefined)
      .map((t) => ({ up: t.up.map(copy), down: t.down.map(copy) }));
  }

  #add(depth: number, direction: 'up' | 'down', connection: number, messages: string[]) {
    this.#trips[depth] ??= { up: [], down: [] };
    const flights = this.#trips[depth][direction];
    const flight = flights.find((f) => f.connection === connection);
    if (flight) flight.messages.push(...messages);
    else flights.push({ connection, messages: [...messages] });
  }
}

const copy = (f: Flight): Flight => ({ connection: f.connection, messages: [...f.messages] });
