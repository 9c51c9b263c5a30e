// Shortens the names the wasm and its JavaScript glue share (`argv[2]`: the
// page's directory), and swaps their integrity hashes in `index.html`.
//
// wasm-bindgen names every import after what it calls plus a 16-digit hash
// (`__wbg_getElementById_7ee213db584f37b0`) and every closure shim after its
// full Rust type, and each name is written twice: in the wasm's import or
// export section and in the glue. Random hex barely compresses, and the two
// files are compressed apart. Only those generated names are renamed (the
// pattern below), to `a`, `b`, … `aa`, …, and the import module to "a";
// `memory` and the rest stay. Measured on this page (2026-12-02): wasm
// 684,186 -> 671,492 bytes (214,277 -> 210,418 Brotli), glue 28,730 -> 18,934
// (7,195 -> 4,446 Brotli).
'use strict';
const fs = require('fs'), path = require('path'), crypto = require('crypto');
const dist = process.argv[2];
const html = path.join(dist, 'index.html');
const sri = (bytes) => 'sha384-' + crypto.createHash('sha384').update(bytes).digest('base64');
const names = fs.readdirSync(dist);
const one = (suffix) => {
  const found = names.filter((n) => n.endsWith(suffix));
  if (found.length !== 1) throw new Error(`${dist}: ${found.length} files ending in ${suffix}`);
  return path.join(dist, found[0]);
};
const wasmFile = one('_bg.wasm');
const jsFile = wasmFile.replace(/_bg\.wasm$/, '.js');
const wasm = fs.readFileSync(wasmFile), js = fs.readFileSync(jsFile, 'utf8');
const RENAME = /^(__wbg_|__wbindgen_|__externref_|wasm_bindgen_)/;
const ALPHA = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const short = (i) => { let s = ''; do { s += ALPHA[i % 52]; i = Math.floor(i / 52); } while (i > 0); return s; };
const leb = (buf, at) => { let value = 0, shift = 0, byte; do { byte = buf[at++]; value += (byte & 0x7f) * 2 ** shift; shift += 7; } while (byte & 0x80); return [value, at]; };
const uleb = (n) => { const out = []; do { let b = n & 0x7f; n = Math.floor(n / 128); if (n) b |= 0x80; out.push(b); } while (n); return Buffer.from(out); };
const str = (s) => { const b = Buffer.from(s, 'utf8'); return Buffer.concat([uleb(b.length), b]); };
const readStr = (buf, at) => { const [len, from] = leb(buf, at); return [buf.toString('utf8', from, from + len), from + len]; };
if (wasm.readUInt32LE(0) !== 0x6d736100 || wasm.readUInt32LE(4) !== 1) throw new Error(`${wasmFile} is not a wasm module`);
const renamed = new Map();
const rename = (old, next) => { if (!RENAME.test(old)) return old; if (!renamed.has(old)) renamed.set(old, next()); return renamed.get(old); };
let nImports = 0, nExports = 0, moduleName = null;
const sections = [wasm.subarray(0, 8)];
for (let at = 8; at < wasm.length;) {
  const id = wasm[at];
  const [size, body] = leb(wasm, at + 1);
  const end = body + size;
  let content = wasm.subarray(body, end);
  if (id === 2 || id === 7) {
    let [count, p] = leb(content, 0);
    const out = [uleb(count)];
    for (let i = 0; i < count; i++) {
      if (id === 2) {
        let module, field;
        [module, p] = readStr(content, p);
        [field, p] = readStr(content, p);
        if (moduleName === null) moduleName = module;
        if (module !== moduleName) throw new Error(`imports from ${module} and ${moduleName}`);
        const kind = content[p];
        const start = p;
        p += 1;
        if (kind === 0) [, p] = leb(content, p);
        else if (kind === 1) { p += 1; const [flags, q] = leb(content, p); [, p] = leb(content, q); if (flags & 1) [, p] = leb(content, p); }
        else if (kind === 2) { const [flags, q] = leb(content, p); [, p] = leb(content, q); if (flags & 1) [, p] = leb(content, p); }
        else if (kind === 3) p += 2;
        else throw new Error(`import kind ${kind} of ${field}`);
        out.push(str('a'), str(rename(field, () => short(nImports++))), content.subarray(start, p));
      } else {
        let field;
        [field, p] = readStr(content, p);
        const start = p;
        p += 1;
        [, p] = leb(content, p);
        out.push(str(rename(field, () => short(nExports++))), content.subarray(start, p));
      }
    }
    if (p !== content.length) throw new Error(`section ${id}: ${content.length - p} bytes left over`);
    content = Buffer.concat(out);
  }
  sections.push(Buffer.from([id]), uleb(content.length), content);
  at = end;
}
const newWasm = Buffer.concat(sections);
let newJs = js;
const quoted = JSON.stringify(moduleName);
if (newJs.split(quoted).length !== 2) throw new Error(`${jsFile} names ${quoted} ${newJs.split(quoted).length - 1} times`);
newJs = newJs.replace(quoted, '"a"');
for (const [old, next] of renamed) {
  const token = new RegExp(`(?<![\\w$])${old.replace(/\$/g, '\\$')}(?![\\w$])`, 'g');
  if (!token.test(newJs)) throw new Error(`${jsFile} never names ${old}`);
  newJs = newJs.replace(token, next);
}
let page = fs.readFileSync(html, 'utf8');
for (const [was, now] of [[wasm, newWasm], [Buffer.from(js), Buffer.from(newJs)]]) {
  if (!page.includes(sri(was))) throw new Error(`${html} has no integrity ${sri(was)}`);
  page = page.split(sri(was)).join(sri(now));
}
fs.writeFileSync(wasmFile, newWasm);
fs.writeFileSync(jsFile, newJs);
fs.writeFileSync(html, page);
console.log(`shortened ${nImports} import and ${nExports} export names: wasm ${wasm.length} -> ${newWasm.length}, glue ${js.length} -> ${newJs.length} bytes`);
