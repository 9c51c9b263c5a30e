// Rewrites how `index.html` (`argv[2]`: the page's directory) starts the
// app: Trunk's loader imports the glue and preloads the wasm from `<head>`,
// so 215 KB of wasm compete for a slow link with the stylesheet the first
// paint waits for (`shell.rs` puts the first screen in the HTML). This one
// starts both downloads just after the first paint, at once when the tab is
// hidden (no frames are painted there), and keeps their integrity hashes:
// an import map's for the glue, `fetch`'s for the wasm.
'use strict';
const fs = require('fs'), path = require('path');
const html = path.join(process.argv[2], 'index.html');
let page = fs.readFileSync(html, 'utf8');
const attr = (tag, name) => {
  const found = tag.match(new RegExp(`\\b${name}=(?:"([^"]*)"|([^\\s>]*))`));
  if (!found) throw new Error(`${html}: no ${name} in ${tag}`);
  return found[1] ?? found[2];
};
const take = (pattern, what) => {
  const found = page.match(pattern);
  if (!found) throw new Error(`${html} has no ${what}`);
  page = page.replace(found[0], '');
  return found[0];
};
const glue = take(/<link\b[^>]*\brel="?modulepreload"?[^>]*>/, 'modulepreload link');
const wasm = take(/<link\b[^>]*\bas="?fetch"?[^>]*\brel="?preload"?[^>]*>|<link\b[^>]*\brel="?preload"?[^>]*\bas="?fetch"?[^>]*>/, 'wasm preload link');
const loader = take(/<script type="?module"?>import init, \* as bindings from '[^']*';[\s\S]*?<\/script>/, "Trunk's loader");
const [js, jsHash, bin, binHash] = [attr(glue, 'href'), attr(glue, 'integrity'), attr(wasm, 'href'), attr(wasm, 'integrity')];
if (!loader.includes(js) || !loader.includes(bin)) throw new Error(`${html}: the loader does not load ${js} and ${bin}`);
const q = JSON.stringify;
const deferred = `<script type=importmap>{"integrity":{${q(js)}:${q(jsHash)}}}</script>` +
  `<script type=module>const start=async()=>{const bindings=await import(${q(js)});` +
  `const wasm=await bindings.default({module_or_path:fetch(${q(bin)},{integrity:${q(binHash)}})});` +
  `window.wasmBindings=bindings;dispatchEvent(new CustomEvent("TrunkApplicationStarted",{detail:{wasm}}))};` +
  `document.visibilityState==="hidden"?start():requestAnimationFrame(()=>setTimeout(start))</script>`;
page = page.replace('</head>', deferred + '</head>');
fs.writeFileSync(html, page);
console.log(`the app now starts after the first paint (${js}, ${bin})`);
