// The web UI's build, as a browser downloads it: what the first page needs (index.html, the
// entry script, the stylesheet and the chunks the entry imports statically) and everything.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

export interface BundleSize {
  firstPageBytes: number;
  firstPageGzipBytes: number;
  totalBytes: number;
  totalGzipBytes: number;
  largestChunk: { file: string; gzipBytes: number };
}

export function measureBundle(distDir: string): BundleSize {
  const assets = readdirSync(path.join(distDir, 'assets'));
  const size = (file: string) => {
    const body = readFileSync(path.join(distDir, file));
    return { raw: body.length, gzip: gzipSync(body).length };
  };
  const html = readFileSync(path.join(distDir, 'index.html'), 'utf8');
  // index.html's script, stylesheet and modulepreload links are what the first page loads.
  const firstPage = ['index.html', ...[...html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((m) => m[1])];
  const first = firstPage.map(size);
  const all = assets.map((a) => ({ file: a, ...size(`assets/${a}`) }));
  const largest = all.filter((a) => a.file.endsWith('.js')).sort((a, b) => b.gzip - a.gzip)[0];
  return {
    firstPageBytes: first.reduce((s, f) => s + f.raw, 0),
    firstPageGzipBytes: first.reduce((s, f) => s + f.gzip, 0),
    totalBytes: all.reduce((s, f) => s + f.raw, 0) + size('index.html').raw,
    totalGzipBytes: all.reduce((s, f) => s + f.gzip, 0) + size('index.html').gzip,
    largestChunk: { file: largest.file, gzipBytes: largest.gzip },
  };
}
