// The server side of the memory measurement, for a forked server process: on 'start' it takes a
// baseline (after a GC when --expose-gc) and samples process.memoryUsage.rss() every 10 ms; on
// 'stop' it reports the peak; on 'exit' (or when the parent goes away) it closes and exits.

/** Messages a measured server process sends to its parent. */
export type ServerProcessMessage =
  | { type: 'listening'; url: string; caCertPath: string; rss: number }
  | { type: 'rss'; baseline: number; peak: number; samples: number; current: number; peakArrayBuffers: number; peakHeapUsed: number; baselineArrayBuffers: number };

export function installRssSampler(close: () => Promise<void>): void {
  let baseline = 0;
  let peak = 0;
  let samples = 0;
  let peakArrayBuffers = 0;
  let baselineArrayBuffers = 0;
  let peakHeapUsed = 0;
  let timer: NodeJS.Timeout | undefined;
  const sample = () => {
    const m = process.memoryUsage();
    samples++;
    if (m.rss > peak) peak = m.rss;
    if (m.arrayBuffers > peakArrayBuffers) peakArrayBuffers = m.arrayBuffers;
    if (m.heapUsed > peakHeapUsed) peakHeapUsed = m.heapUsed;
  };
  process.on('message', (msg: { type: string }) => {
    if (msg.type === 'start') {
      global.gc?.();
      const m = process.memoryUsage();
      baseline = m.rss;
      peak = baseline;
      baselineArrayBuffers = m.arrayBuffers;
      peakArrayBuffers = m.arrayBuffers;
      peakHeapUsed = m.heapUsed;
      samples = 0;
      timer = setInterval(sample, 10);
    } else if (msg.type === 'stop') {
      if (timer) clearInterval(timer);
      sample();
      const reply: ServerProcessMessage = {
        type: 'rss',
        baseline,
        peak,
        samples,
        current: process.memoryUsage.rss(),
        peakArrayBuffers,
        peakHeapUsed,
        baselineArrayBuffers,
      };
      process.send?.(reply);
    } else if (msg.type === 'exit') {
      void close().finally(() => process.exit(0));
    }
  });
  process.on('disconnect', () => void close().finally(() => process.exit(0)));
}
