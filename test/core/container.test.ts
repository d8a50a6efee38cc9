import 'reflect-metadata';
import { ContainerModule, inject, injectable } from 'inversify';
import { VirtualTimeScheduler } from 'rxjs';
import { CLOCK, LOGGER, RANDOM, SeededRandom, after, createNodeContainer, every, silentLogger, token, type Clock, type Random } from '../../lib/core';

interface Greeter {
  greet(): string;
}
const GREETER = token<Greeter>('test.Greeter');

@injectable()
class ClockedGreeter implements Greeter {
  constructor(@inject(CLOCK) private readonly clock: Clock, @inject(RANDOM) private readonly random: Random) {}
  greet(): string {
    return `t=${this.clock.now()} r=${this.random.int(1000)}`;
  }
}

const greeterPlugin = new ContainerModule(({ bind }) => {
  bind(GREETER).to(ClockedGreeter);
});

describe('the node composition root', () => {
  it('binds a plugin against the injected clock and seeded random', () => {
    const clock = new VirtualTimeScheduler();
    const c = createNodeContainer({ config: {}, plugins: [greeterPlugin], clock, seed: 7, logger: silentLogger });
    const expected = new SeededRandom(7).int(1000);
    expect(c.get(GREETER).greet()).toBe(`t=0 r=${expected}`);
  });

  it('lets every node of an ensemble share the parent world clock', () => {
    const clock = new VirtualTimeScheduler();
    const world = createNodeContainer({ config: { world: true }, clock, seed: 1, logger: silentLogger });
    const a = createNodeContainer({ config: { id: 1 }, parent: world });
    const b = createNodeContainer({ config: { id: 2 }, parent: world, seed: 2 });
    expect(a.get(CLOCK)).toBe(clock);
    expect(b.get(CLOCK)).toBe(clock);
    expect(a.get(LOGGER)).toBe(silentLogger);
    expect(b.get(RANDOM)).not.toBe(a.get(RANDOM));
  });

  it('runs timers on virtual time', () => {
    const clock = new VirtualTimeScheduler();
    const fired: number[] = [];
    after(clock, 50, () => fired.push(clock.now()));
    const tick = every(clock, 20, () => fired.push(-clock.now()));
    clock.maxFrames = 70;
    clock.flush();
    tick.unsubscribe();
    expect(fired).toEqual([-20, -40, 50, -60]);
  });
});

describe('the seeded random', () => {
  it('replays the same sequence from the same seed and forks independently', () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new SeededRandom(42).fork('net').next()).toBe(new SeededRandom(42).fork('net').next());
    expect(new SeededRandom(42).fork('net').next()).not.toBe(new SeededRandom(42).fork('disk').next());
  });
});
