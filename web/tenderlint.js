// The loader of tenderlint's WebAssembly module (web/src/lib.rs): plain exports over
// linear memory, no generated glue. The module arrives as base64 in
// tenderlint-wasm.js (window.TENDERLINT_WASM), because Chromium refuses to fetch a
// file:// URL and the page must work when opened from disk.
"use strict";
(function () {
  const MARKDOWN = 0, WORD = 1;
  const OUT_HTML = 0, OUT_JSON = 1, OUT_REVIEWED = 2, OUT_ERROR = 3;

  function decodeBase64(text) {
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  // The zip crate depends on getrandom, which on wasm32 brings wasm-bindgen's imports
  // (random numbers for encrypting archives, never asked for when reading a .docx or
  // writing its reviewed copy). Each is given a function that fails loudly if called.
  function stubs(module) {
    const imports = {};
    for (const { module: m, name, kind } of WebAssembly.Module.imports(module)) {
      if (kind !== "function") continue;
      imports[m] = imports[m] || {};
      imports[m][name] = () => {
        throw new Error(`tenderlint called ${m}.${name}, which this page does not provide`);
      };
    }
    return imports;
  }

  // Resolves to { check(name, bytes), warm() }: bytes is a Uint8Array of a Markdown or
  // Word file; the format is taken from the name (.docx is Word).
  async function load() {
    if (!window.TENDERLINT_WASM) throw new Error("tenderlint-wasm.js did not load");
    const module = await WebAssembly.compile(decodeBase64(window.TENDERLINT_WASM));
    const instance = await WebAssembly.instantiate(module, stubs(module));
    const w = instance.exports;
    const encoder = new TextEncoder(), decoder = new TextDecoder();

    function put(bytes) {
      const ptr = w.alloc(bytes.length);
      new Uint8Array(w.memory.buffer, ptr, bytes.length).set(bytes);
      return ptr;
    }
    function output(which) {
      const ptr = w.output_ptr(which), len = w.output_len(which);
      return new Uint8Array(w.memory.buffer, ptr, len).slice();
    }

    function check(name, bytes) {
      const format = /\.docx$/i.test(name) ? WORD : MARKDOWN;
      const nameBytes = encoder.encode(name);
      const n = put(nameBytes), d = put(bytes);
      const days = BigInt(Math.floor(Date.now() / 86400000));
      let found;
      try {
        found = w.check(n, nameBytes.length, format, d, bytes.length, days);
      } finally {
        w.free(n, nameBytes.length);
        w.free(d, bytes.length);
      }
      const reviewed = output(OUT_REVIEWED);
      return {
        found,
        html: decoder.decode(output(OUT_HTML)),
        json: JSON.parse(decoder.decode(output(OUT_JSON))),
        reviewed: reviewed.length ? reviewed : null,
        error: decoder.decode(output(OUT_ERROR)),
      };
    }

    // Compiles the rules ahead of the first check, a few steps at a time (about 30 ms
    // of work each), yielding to the page between them so that it stays responsive.
    // Resolves when every step is done; a check made before then is right, only slower.
    function warm() {
      return new Promise((resolve) => {
        let step = 0;
        const next = () => {
          const start = performance.now();
          let left;
          do {
            left = w.warm(step++);
          } while (left > 0 && performance.now() - start < 30);
          if (left > 0) setTimeout(next, 0);
          else resolve(step);
        };
        setTimeout(next, 0);
      });
    }

    w.init();
    return { check, warm };
  }

  window.tenderlint = { load };
})();
