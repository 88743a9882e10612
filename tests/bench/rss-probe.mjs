// Preloaded into a measured child (`node --import`): writes the process's peak RSS when it
// exits, with the resident split at exit (anonymous memory vs mapped files such as LevelDB tables).
import { readFileSync, writeFileSync } from 'node:fs';

process.on('exit', () => {
  const file = process.env.BENCH_RSS_FILE;
  if (!file) return;
  const status = readFileSync('/proc/self/status', 'utf8');
  const kib = (name) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  writeFileSync(
    file,
    JSON.stringify({
      maxRssKiB: process.resourceUsage().maxRSS,
      rssAnonKiB: kib('RssAnon'),
      rssFileKiB: kib('RssFile'),
      heapUsed: process.memoryUsage().heapUsed,
    }),
  );
});
