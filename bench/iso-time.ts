// bench/iso-time — `npm run bench:iso-time`: what writing one timestamp costs, the provider's
// isoTime (src/provider/iso-time.ts) beside V8's Date.prototype.toISOString, the reference, in the
// same run: alone, and inside JSON.stringify of a small object (where a JSON answer spends it); and
// reading one back (timeOfIso beside `new Date(text)`), as every SQLite row's timestamp is read.
// Times from the last ten years, as tokens and repositories carry. Prints figures; asserts nothing.
//   npm run bench:iso-time   [-- --rounds 5 --calls 2000000]
import { parseArgs } from 'node:util';
import { isoTime, timeOfIso } from '../src/provider/iso-time';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, calls: { type: 'string', default: '2000000' } } });
const ROUNDS = Number(values.rounds);
const CALLS = Number(values.calls);
const TEN_YEARS_MS = 10 * 365 * 86_400_000;
const now = Date.now();
const dates = Array.from({ length: 1024 }, () => new Date(now - Math.floor(Math.random() * TEN_YEARS_MS)));
const texts = new Map(dates.map((d) => [d, isoTime(d)]));

type Case = { name: string; run: (d: Date) => number };
const cases: { label: string; ours: Case; reference: Case }[] = [
  {
    label: 'one timestamp',
    ours: { name: 'isoTime', run: (d) => isoTime(d).length },
    reference: { name: 'toISOString', run: (d) => d.toISOString().length },
  },
  {
    label: 'in JSON.stringify',
    ours: { name: 'isoTime', run: (d) => JSON.stringify({ id: 1, created_at: isoTime(d) }).length },
    reference: { name: 'toISOString', run: (d) => JSON.stringify({ id: 1, created_at: d.toISOString() }).length },
  },
  {
    label: 'reading one back',
    ours: { name: 'timeOfIso', run: (d) => timeOfIso(texts.get(d)!).getTime() },
    reference: { name: 'new Date ', run: (d) => new Date(texts.get(d)!).getTime() },
  },
];

/** Nanoseconds per call of `c`, over CALLS calls. */
function measure(c: Case): number {
  let sink = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < CALLS; i++) sink += c.run(dates[i & 1023]);
  const ns = Number(process.hrtime.bigint() - t0) / CALLS;
  if (sink === 0) throw new Error('nothing written');
  return ns;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

for (const { label, ours, reference } of cases) {
  const a: number[] = [];
  const b: number[] = [];
  // Interleaved, so drift of the machine falls on both alike; the first round warms up.
  for (let r = 0; r <= ROUNDS; r++) {
    const x = measure(ours);
    const y = measure(reference);
    if (r > 0) {
      a.push(x);
      b.push(y);
    }
  }
  const [mo, mr] = [median(a), median(b)];
  console.log(`${label.padEnd(18)} ${ours.name} ${mo.toFixed(0).padStart(5)} ns   ${reference.name} ${mr.toFixed(0).padStart(5)} ns   ratio ${(mo / mr).toFixed(2)}×  (median of ${ROUNDS} rounds of ${CALLS} calls)`);
}
