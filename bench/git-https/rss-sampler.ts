// The server side of the memory measurement, for a forked server process: on 'start' it takes a
// baseline (after a GC when --expose-gc) and samples process.memoryUsage.rss() every 10 ms; on
// 'stop' it reports the peak; on 'exit' (or when the parent goes away) it closes and exits.

/** Messages a measured server process sends to its parent. */
export type ServerProcessMessage =
  | { type: 'listening'; url: string; caCertPath: string; rss: number }
  | {
      type: 'rss';
      baseline: number;
      peak: number;
      samples: number;
      current: number;
      peakArrayBuffers: number;
      peakHeapUsed: number;
      baselineArrayBuffers: number;
      /** ArrayBuffer memory still held after a full GC once the push is over (needs --expose-gc; else -1). */
      retainedArrayBuffers: number;
    };

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
  const report = async (): Promise<ServerProcessMessage> => {
    const peakRss = peak;
    let retainedArrayBuffers = -1;
    if (global.gc) {
      // Backing stores are freed by a sweeper after the GC: give it a moment, then look again.
      global.gc();
      await new Promise((resolve) => setTimeout(resolve, 200));
      global.gc();
      await new Promise((resolve) => setTimeout(resolve, 50));
      retainedArrayBuffers = process.memoryUsage().arrayBuffers;
    }
    return {
      type: 'rss',
      baseline,
      peak: peakRss,
      samples,
      current: process.memoryUsage.rss(),
      peakArrayBuffers,
      peakHeapUsed,
      baselineArrayBuffers,
      retainedArrayBuffers,
    };
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
      void report().then((reply) => process.send?.(reply));
    } else if (msg.type === 'exit') {
      void close().finally(() => process.exit(0));
    }
  });
  process.on('disconnect', () => void close().finally(() => process.exit(0)));
}
