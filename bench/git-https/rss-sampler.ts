// The server side of the memory measurement, for a forked server process: on 'start' it takes a
// baseline (after a GC when --expose-gc) and samples process.memoryUsage.rss() every 10 ms; on
// 'stop' it reports the peak; on 'exit' (or when the parent goes away) it closes and exits.

/** Messages a measured server process sends to its parent. */
export type ServerProcessMessage =
  | { type: 'listening'; url: string; caCertPath: string; rss: number }
  | { type: 'rss'; baseline: number; peak: number; samples: number; current: number };

export function installRssSampler(close: () => Promise<void>): void {
  let baseline = 0;
  let peak = 0;
  let samples = 0;
  let timer: NodeJS.Timeout | undefined;
  const sample = () => {
    const rss = process.memoryUsage.rss();
    samples++;
    if (rss > peak) peak = rss;
  };
  process.on('message', (msg: { type: string }) => {
    if (msg.type === 'start') {
      global.gc?.();
      baseline = process.memoryUsage.rss();
      peak = baseline;
      samples = 0;
      timer = setInterval(sample, 10);
    } else if (msg.type === 'stop') {
      if (timer) clearInterval(timer);
      sample();
      const reply: ServerProcessMessage = { type: 'rss', baseline, peak, samples, current: process.memoryUsage.rss() };
      process.send?.(reply);
    } else if (msg.type === 'exit') {
      void close().finally(() => process.exit(0));
    }
  });
  process.on('disconnect', () => void close().finally(() => process.exit(0)));
}
