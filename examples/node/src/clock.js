// The component's `clock` import. The component has no other clock.

/** The system's wall clock. */
export class SystemClock {
  now() {
    const ms = BigInt(Date.now());
    return { seconds: ms / 1000n, nanoseconds: Number(ms % 1000n) * 1_000_000 };
  }
}

/**
 * A clock that starts at an RFC 3339 time and advances 1 ms per reading, as
 * the Rust host's `--clock`: reproducible ids and hashes.
 */
export class SteppingClock {
  #nextMs;

  constructor(start) {
    const ms = Date.parse(start);
    if (!/[zZ]|[+-]\d\d:\d\d$/.test(start) || Number.isNaN(ms)) {
      throw new Error(`not an RFC 3339 time: ${JSON.stringify(start)}`);
    }
    this.#nextMs = BigInt(ms);
  }

  now() {
    const ms = this.#nextMs;
    this.#nextMs += 1n;
    const seconds = ms >= 0n ? ms / 1000n : -((-ms + 999n) / 1000n);
    return { seconds, nanoseconds: Number(ms - seconds * 1000n) * 1_000_000 };
  }
}
