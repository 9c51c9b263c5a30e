// Minifies every `.js` in the directory `argv[3]` with the esbuild package
// at `argv[2]` (`node minify.cjs PACKAGE DIST`), and swaps each file's Subresource Integrity hash in its
// `index.html` for the minified file's.
'use strict';
const fs = require('fs'), path = require('path'), crypto = require('crypto');
const esbuild = require(process.argv[2]);
const dist = process.argv[3];
const html = path.join(dist, 'index.html');
const sri = (bytes) => 'sha384-' + crypto.createHash('sha384').update(bytes).digest('base64');
let page = fs.readFileSync(html, 'utf8');
for (const name of fs.readdirSync(dist).filter((n) => n.endsWith('.js'))) {
  const file = path.join(dist, name);
  const before = fs.readFileSync(file);
  const after = Buffer.from(esbuild.transformSync(before.toString('utf8'), { minify: true, format: 'esm' }).code);
  const [was, now] = [sri(before), sri(after)];
  if (!page.includes(was)) throw new Error(`${html} has no integrity ${was} for ${name}`);
  fs.writeFileSync(file, after);
  page = page.split(was).join(now);
  console.log(`minified ${name}: ${before.length} -> ${after.length} bytes`);
}
fs.writeFileSync(html, page);
