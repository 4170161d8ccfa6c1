// The real provider with git routes in its own process, for the memory measurement and the
// benchmark: `node provider-server.js --data DIR`, forked with IPC (see rss-sampler.ts).
import { installRssSampler, ServerProcessMessage } from './rss-sampler';
import { startProviderWithGit } from './provider-with-git';

async function main(): Promise<void> {
  const i = process.argv.indexOf('--data');
  if (i === -1 || !process.argv[i + 1]) throw new Error('usage: provider-server --data DIR');
  const provider = await startProviderWithGit({ dataDir: process.argv[i + 1], log: (level, message) => level === 'error' && console.error(message) });
  installRssSampler(() => provider.close());
  const hello: ServerProcessMessage = { type: 'listening', url: provider.url, caCertPath: provider.caCertPath, rss: process.memoryUsage.rss() };
  process.send?.(hello);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
