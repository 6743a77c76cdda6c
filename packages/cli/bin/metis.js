#!/usr/bin/env node
// The `metis` command: runs the built CLI (`npm run build` first when working from a clone).
const [major] = process.versions.node.split('.').map(Number);
if (major < 22) {
  console.error(`metis: Node.js 22 or newer is required, this is ${process.version}.`);
  process.exit(1);
}
await import('../dist/main.js');
